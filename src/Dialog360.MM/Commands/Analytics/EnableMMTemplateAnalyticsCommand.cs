using System;
using System.Management.Automation;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Analytics;

/// <summary>Turns template analytics on for the account's WABA (360dialog: POST /marketing/template_analytics?enable=true), once.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MMTemplateAnalytics", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class EnableMMTemplateAnalyticsCommand : MMCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    protected override void ProcessRecord()
    {
        var account = ResolveAccount(Account);
        if (!ShouldProcess(account.Name, "Turn on template analytics for this account's WhatsApp Business Account")) return;
        WriteVerbose($"POST {account.Client.RouteUri("marketing/template_analytics?enable=true")}");
        try { Wait(account.Client.EnableTemplateAnalyticsAsync(CancelToken)); }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { ThrowTerminatingError(ErrorRecords.FromApiFailure(ex, account.Name)); }
    }
}
