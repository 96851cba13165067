using System.Management.Automation;
using Dialog360.MM.Core.Onboarding;

namespace Dialog360.MM.Commands.Onboarding;

[Cmdlet(VerbsDiagnostic.Test, "MMOnboarding")]
[OutputType(typeof(MMOnboardingStatus), typeof(bool))]
public sealed class TestMMOnboardingCommand : MMCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>Only true or false, as Test-Path and Test-Connection -Quiet answer.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var account = ResolveAccount(Account);
        WriteVerbose($"Probing POST {account.Client.RouteUri("marketing_messages")} with template '{OnboardingProbe.ProbeTemplate}', which cannot exist: nothing can be delivered.");
        var status = Wait(OnboardingProbe.CheckAsync(account.Client, account.Name, CancelToken, Time));
        WriteVerbose($"{account.Name}: {status.Status} ({status.Reason}).");
        if (Quiet) WriteObject(status.IsOnboarded);
        else WriteObject(status);
    }
}
