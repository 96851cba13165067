using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.WebhookSettings;

[Cmdlet(VerbsCommon.Set, "MMWebhookUrl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MMWebhookSetting))]
public sealed class SetMMWebhookUrlCommand : MMCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri? Url { get; set; }

    /// <summary>Custom headers 360dialog sends with every webhook call: how a client authenticates its endpoint.</summary>
    [Parameter]
    public Hashtable? Header { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!Url!.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttps)
        {
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.InvalidWebhookUrl, new ArgumentException($"Url '{Url}' is not https: webhooks carry message content and must be encrypted. Give an https:// address."), Url));
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry h in Header ?? new Hashtable())
        {
            var value = h.Value is PSObject p ? p.BaseObject : h.Value;
            if (value is System.Security.SecureString secure) value = new System.Net.NetworkCredential(string.Empty, secure).Password;
            headers[h.Key.ToString()!] = value?.ToString() ?? string.Empty;
        }
        var account = ResolveAccount(Account);
        // Header values may be secrets (an Authorization token): only their names are ever shown.
        var described = headers.Count == 0 ? "no custom headers" : "headers " + string.Join(", ", headers.Keys.OrderBy(k => k));
        if (!ShouldProcess(account.Name, $"Send this number's webhooks to {Url} with {described}")) return;
        WriteVerbose($"POST {account.Client.RouteUri("v1/configs/webhook")}: {Url} with {described}.");
        try
        {
            var setting = Wait(account.Client.SetWebhookSettingAsync(Url, headers, CancelToken));
            setting.Account = account.Name;
            if (PassThru) WriteObject(setting);
        }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { WriteError(ErrorRecords.FromApiFailure(ex, Url)); }
    }
}
