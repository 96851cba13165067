using System;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.WebhookSettings;

[Cmdlet(VerbsCommon.Get, "MMWebhookUrl")]
[OutputType(typeof(MMWebhookSetting))]
public sealed class GetMMWebhookUrlCommand : MMCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    protected override void ProcessRecord()
    {
        var account = ResolveAccount(Account);
        WriteVerbose($"GET {account.Client.RouteUri("v1/configs/webhook")}");
        try
        {
            var setting = Wait(account.Client.GetWebhookSettingAsync(CancelToken));
            setting.Account = account.Name;
            WriteObject(setting);
        }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { WriteError(ErrorRecords.FromApiFailure(ex, account.Name)); }
    }
}
