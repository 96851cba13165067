using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Session;

/// <summary>
/// A running emulator as Start-MMEmulator returns it: pipe it to Connect-MMAccount (BaseUri and Credential bind by
/// property name), and read what it received from Requests or AcceptedCount().
/// Dialog360.MM.Emulator.dll loads only when one is started: the module touches emulator types only in members that
/// run for a started emulator (a field's type alone loads nothing; a method body that names one does when compiled).
/// </summary>
public sealed class MMEmulator
{
    internal MMEmulator(MarketingApiEmulator emulator)
    {
        Emulator = emulator;
        var secure = new SecureString();
        foreach (var c in emulator.ApiKey) secure.AppendChar(c);
        secure.MakeReadOnly();
        Credential = new PSCredential("emulator", secure);
    }

    public Uri BaseUri => Emulator.BaseUri;
    public int Port => Emulator.Port;
    /// <summary>The emulator's own throw-away key (not a 360dialog key).</summary>
    public string ApiKey => Emulator.ApiKey;
    public PSCredential Credential { get; }
    public bool IsRunning => Emulator.IsRunning;
    public long RequestCount => Emulator.RequestCount;

    /// <summary>The seed of its random choices: start another with -Seed and this value to repeat a run.</summary>
    public int Seed => Emulator.Seed;

    /// <summary>Sends passed on, including those answered with a fault after acceptance (500, 502, 504, malformed 200, dropped).</summary>
    public long Accepted => Emulator.Accepted;

    /// <summary>Sends refused: bad key, bad body, a Graph error, 503 (429s are counted as Throttled).</summary>
    public long Rejected => Emulator.Rejected;

    public long Throttled => Emulator.Throttled;

    /// <summary>Sends with a business-scoped user ID in "to": answered 200, then dropped as WhatsApp does (no webhook, counted for nobody).</summary>
    public long SilentlyDropped => Emulator.SilentlyDropped;

    /// <summary>Webhook deliveries the receiver took (2xx), or written to the file when there is no URL.</summary>
    public long WebhooksDelivered => Emulator.WebhooksDelivered;

    /// <summary>Webhook events not delivered yet: due later, on the wire, or waiting to be retried. 0 when all went out.</summary>
    public long WebhooksPending => Emulator.WebhooksPending;

    /// <summary>Webhook deliveries given up after six POSTs without 2xx.</summary>
    public long WebhooksFailed => Emulator.WebhooksFailed;

    /// <summary>People who sent a stop (user_preferences) in this run, by number (or BSUID); the emulator refuses them with 131050 from then on.</summary>
    public IReadOnlyCollection<string> OptedOut => Emulator.OptedOut;
    public IReadOnlyList<EmulatorRequest> Requests => Emulator.Requests;
    public MarketingApiEmulator Emulator { get; }

    /// <summary>Accepted sends to this person (a number in digits, or a BSUID), whether they went to the number or the BSUID.</summary>
    public int AcceptedCount(string recipient) => Emulator.AcceptedCount(recipient);

    /// <summary>The business-scoped user ID the emulator gives this number (digits only): the same for the same seed.</summary>
    public string UserIdOf(string number) => Emulator.UserIdOf(number);

    /// <summary>Stops listening; Stop-MMEmulator calls this, so its own body names no emulator type.</summary>
    public void Stop() => Emulator.Stop();

    /// <summary>Accepted sends per person: by number (digits only), or by BSUID for someone the emulator knows only by one.</summary>
    public IReadOnlyDictionary<string, int> AcceptedByRecipient => Emulator.AcceptedByRecipient;

    public override string ToString() => BaseUri.ToString();
}
