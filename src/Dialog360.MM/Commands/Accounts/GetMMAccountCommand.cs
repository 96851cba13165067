using System.Management.Automation;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Accounts;

[Cmdlet(VerbsCommon.Get, "MMAccount")]
[OutputType(typeof(MMAccount))]
public sealed class GetMMAccountCommand : MMCmdlet
{
    /// <summary>Names or wildcard patterns; none lists every connected account.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var session = ModuleSession;
        var accounts = Name is null ? session.Accounts : MatchAccounts(Name);
        foreach (var account in accounts) WriteObject(account.ToOutput(session.IsDefault(account)));
    }
}
