using System.Management.Automation;

namespace Dialog360.MM.Commands.Accounts;

[Cmdlet(VerbsCommunications.Disconnect, "MMAccount", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisconnectMMAccountCommand : MMCmdlet
{
    /// <summary>Names or wildcard patterns; none disconnects the default account.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var session = ModuleSession;
        var names = Name ?? (session.DefaultName is string d ? new[] { d } : new string[0]);
        foreach (var account in MatchAccounts(names))
        {
            if (!ShouldProcess(account.Name, "Disconnect the account and forget its key")) continue;
            session.Remove(account.Name);
            WriteVerbose($"Disconnected account '{account.Name}'.");
        }
    }
}
