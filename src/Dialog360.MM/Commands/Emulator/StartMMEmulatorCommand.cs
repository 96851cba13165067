using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.IO;
using System.Security;
using Dialog360.MM.Core.Receiving;
using Dialog360.MM.Emulator;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Errors;

using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Emulator;

[Cmdlet(VerbsLifecycle.Start, "MMEmulator")]
[OutputType(typeof(MMEmulator))]
public sealed class StartMMEmulatorCommand : MMCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ApiKey { get; set; }

    [Parameter]
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Recipient number or BSUID → Graph error code the emulator answers for it.</summary>
    [Parameter]
    public Hashtable? FailRecipient { get; set; }

    /// <summary>Recipient number or BSUID → the message_status its accepted sends get: held_for_quality_assessment or paused.</summary>
    [Parameter]
    public Hashtable? HoldRecipient { get; set; }

    /// <summary>Recipient number or BSUID → the faults its first sends get, in order (EmulatorFault names or their HTTP status).</summary>
    [Parameter]
    public Hashtable? Fault { get; set; }

    /// <summary>Fault → the share of sends that get it, e.g. @{ 502 = 0.05; MalformedOk = 0.01 }.</summary>
    [Parameter]
    public Hashtable? FaultRate { get; set; }

    /// <summary>Makes the fault draws repeatable.</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>The templates the emulator knows, instead of its default set.</summary>
    [Parameter]
    public object[]? Template { get; set; }

    [Parameter]
    public SwitchParameter NotOnboarded { get; set; }

    /// <summary>Loopback URL that gets the webhooks (a Start-MMWebhookReceiver's BaseUri, say).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? WebhookUrl { get; set; }

    /// <summary>File that gets each webhook delivery as a JSON line.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WebhookPath { get; set; }

    [Parameter]
    public SecureString? WebhookSecret { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double DeliveredRate { get; set; } = 0.95;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double ReadRate { get; set; } = 0.6;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double ClickRate { get; set; } = 0.2;

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double OptOutRate { get; set; } = 0.02;

    /// <summary>The share of people who use a WhatsApp username: their webhooks carry their BSUID, never their number.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double UsernameRate { get; set; }

    /// <summary>People who use a username whatever -UsernameRate draws.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? UsernameRecipient { get; set; }

    /// <summary>The currency the emulated WABA is billed in: max prices, pricing.cost and template analytics are in it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Currency { get; set; } = "USD";

    /// <summary>Real seconds per platform second: 0.001 plays a 10-minute read delay in 0.6 s.</summary>
    [Parameter]
    [ValidateRange(0.000001, 1000.0)]
    public double TimeScale { get; set; } = 1;

    protected override void EndProcessing()
    {
        var options = new EmulatorOptions
        {
            Port = Port,
            // A fresh random key each start, so nothing comes to depend on a fixed one.
            ApiKey = ApiKey ?? "emu" + Guid.NewGuid().ToString("N"),
            Latency = Latency,
            NotOnboarded = NotOnboarded,
            Seed = Seed,
            UsernameRate = UsernameRate,
            Currency = Core.Templates.CurrencyUnits.Normalize(Currency) ?? "",
        };
        if (options.Currency.Length == 0)
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorCurrency,
                new ArgumentException($"-Currency '{Currency}' is not an ISO 4217 currency code such as USD, EUR or INR."), Currency));
        foreach (var recipient in UsernameRecipient ?? Array.Empty<string>())
        {
            try { options.UsernameRecipients.Add(RecipientKey(recipient, "UsernameRecipient")); }
            catch (MessageValidationException ex)
            {
                ThrowTerminatingError(ErrorRecords.FromValidation(ex, recipient));
            }
        }
        if (FailRecipient != null)
        {
            foreach (DictionaryEntry entry in FailRecipient)
            {
                try
                {
                    options.FailRecipients[RecipientKey(entry.Key, "FailRecipient")] = LanguagePrimitives.ConvertTo<int>(entry.Value);
                }
                catch (Exception ex) when (ex is MessageValidationException || ex is PSInvalidCastException)
                {
                    ThrowTerminatingError(ErrorRecords.Create(
                        ErrorIds.InvalidFailRecipient, new ArgumentException($"FailRecipient entry '{entry.Key}' = '{entry.Value}' is not a number (or business-scoped user ID) and an error code: write e.g. @{{ '+447700900123' = 131050 }} or @{{ 'US.13491208655302741918' = 131062 }}.", ex), entry.Key));
                }
            }
        }

        foreach (DictionaryEntry entry in HoldRecipient ?? new Hashtable())
        {
            var status = entry.Value?.ToString();
            string? number = null;
            Exception? problem = null;
            try { number = RecipientKey(entry.Key, "HoldRecipient"); }
            catch (MessageValidationException ex) { problem = ex; }
            if (problem != null || status is not ("held_for_quality_assessment" or "paused"))
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidFailRecipient,
                    new ArgumentException($"HoldRecipient entry '{entry.Key}' = '{status}': write a number and held_for_quality_assessment or paused, e.g. @{{ '+447700900123' = 'paused' }}.", problem), entry.Key));
            options.HoldRecipients[number!] = status!;
        }

        foreach (DictionaryEntry entry in Fault ?? new Hashtable())
        {
            try
            {
                var number = RecipientKey(entry.Key, "Fault");
                var faults = new Queue<int>();
                foreach (var fault in LanguagePrimitives.ConvertTo<object[]>(entry.Value)) faults.Enqueue((int)ToFault(fault));
                options.Faults[number] = faults;
            }
            catch (Exception ex) when (ex is MessageValidationException || ex is PSInvalidCastException)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorFault,
                    new ArgumentException($"Fault entry '{entry.Key}' = '{entry.Value}': write a number and its faults in order, e.g. @{{ '+447700900001' = 429, 503 }} ({FaultNames}).", ex), entry.Key));
            }
        }

        foreach (DictionaryEntry entry in FaultRate ?? new Hashtable())
        {
            try
            {
                options.FaultRates[ToFault(entry.Key)] = LanguagePrimitives.ConvertTo<double>(entry.Value);
            }
            catch (PSInvalidCastException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorFault,
                    new ArgumentException($"FaultRate entry '{entry.Key}' = '{entry.Value}': write a fault and its share, e.g. @{{ 502 = 0.05; MalformedOk = 0.01 }} ({FaultNames}).", ex), entry.Key));
            }
        }

        if (Template != null) options.Templates = Template.Select((t, i) => ToTemplate(t, i + 1)).ToList();
        SetWebhooks(options);

        MarketingApiEmulator emulator = null!;
        try
        {
            emulator = new MarketingApiEmulator(options);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorFault, ex, FaultRate));
        }
        try
        {
            emulator.Start();
        }
        catch (InvalidOperationException ex)
        {
            var file = ex.InnerException is IOException || ex.InnerException is UnauthorizedAccessException;
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.EmulatorStartFailed,
                file ? new InvalidOperationException($"{ex.Message} Check that the -WebhookPath file can be written.", ex) : ex, file ? WebhookPath : Port));
        }
        var output = new MMEmulator(emulator);
        ModuleSession.Emulators.Add(output);
        WriteVerbose($"The emulator listens on {emulator.BaseUri}{(Latency > TimeSpan.Zero ? $" with {Latency.TotalMilliseconds} ms latency" : string.Empty)}, seed {emulator.Seed}" +
            (WebhookUrl != null ? $", posting webhooks to {WebhookUrl}" : string.Empty) + (WebhookPath != null ? $", appending webhooks to {options.Webhooks.Path}" : string.Empty) + ".");
        WriteObject(output);
    }

    private void SetWebhooks(EmulatorOptions options)
    {
        if (WebhookUrl != null && !Dialog360.MM.Emulator.Webhooks.EmulatorWebhookOptions.IsAllowedUrl(WebhookUrl))
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorWebhookUrl, new ArgumentException($"-WebhookUrl {WebhookUrl} is not on this machine: the emulator posts to http(s)://127.0.0.1 or localhost only, e.g. a Start-MMWebhookReceiver's BaseUri."), WebhookUrl));
        var webhooks = options.Webhooks;
        webhooks.Url = WebhookUrl;
        if (WebhookPath != null) webhooks.Path = FileSystemPath(WebhookPath, nameof(WebhookPath));
        if (WebhookSecret is { Length: > 0 }) webhooks.Secret = WebhookSignature.SecretBytes(WebhookSecret);
        webhooks.DeliveredRate = DeliveredRate;
        webhooks.ReadRate = ReadRate;
        webhooks.ClickRate = ClickRate;
        webhooks.OptOutRate = OptOutRate;
        webhooks.TimeScale = TimeScale;
        if (WebhookSecret != null && WebhookUrl is null)
            WriteWarning("-WebhookSecret signs POSTs only: give -WebhookUrl too, or leave the secret out.");
    }

    /// <summary>A recipient as the emulator keys it: a BSUID exactly as given, or a number in digits.</summary>
    private static string RecipientKey(object? key, string field)
    {
        var text = (key is PSObject pso ? pso.BaseObject : key)?.ToString();
        return UserId.IsUserId(text) ? UserId.Validate(text, field) : PhoneNumber.Normalize(text, field);
    }

    private const string FaultNames = "faults: 429 or RateLimited, 503 or Unavailable, 0 or Dropped, 500 or InternalError, 502 or BadGateway, 504 or GatewayTimeout, MalformedOk";

    /// <summary>A fault by name (MalformedOk) or by its HTTP status (502).</summary>
    private static EmulatorFault ToFault(object? value)
    {
        var text = (value is PSObject pso ? pso.BaseObject : value)?.ToString();
        if (text != null && Enum.TryParse<EmulatorFault>(text, ignoreCase: true, out var fault) && Enum.IsDefined(typeof(EmulatorFault), fault))
            return fault;
        throw new PSInvalidCastException($"'{text}' is not a fault the emulator knows");
    }

    private EmulatorTemplate ToTemplate(object value, int position)
    {
        var map = (value is PSObject pso ? pso.BaseObject : value) as IDictionary;
        string? Get(string key)
        {
            if (map is null) return null;
            foreach (DictionaryEntry e in map)
                if (string.Equals(e.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase)) return e.Value?.ToString();
            return null;
        }
        var name = Get("Name");
        if (map is null || string.IsNullOrEmpty(name))
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.InvalidEmulatorTemplate, new ArgumentException($"Template {position} needs at least a Name: @{{ Name='promo'; Language='en'; Category='MARKETING'; Status='approved'; Body='Hi {{{{1}}}}'; Header='IMAGE' }}."), value));
        long? bid = null;
        if (Get("BidAmount") is { } text)
        {
            if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed <= 0 || parsed > int.MaxValue)
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidEmulatorTemplate, new ArgumentException($"Template {position}: BidAmount '{text}' is not a max price per 1,000 deliveries in cents, e.g. BidAmount=5000 for 0.05 USD a delivery."), value));
            bid = parsed;
        }
        return new EmulatorTemplate(name!, Get("Language") ?? "en", (Get("Category") ?? "MARKETING").ToUpperInvariant(),
            (Get("Status") ?? "approved").ToLowerInvariant(), Get("Body") ?? string.Empty, Get("Header")?.ToUpperInvariant(), bidAmount: bid);
    }
}
