using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Errors;
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
        var accounts = session.Accounts.ToList();
        if (Name is null)
        {
            foreach (var account in accounts) WriteObject(account.ToOutput(session.IsDefault(account)));
            return;
        }
        foreach (var name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var found = false;
            foreach (var account in accounts.Where(a => pattern.IsMatch(a.Name)))
            {
                found = true;
                WriteObject(account.ToOutput(session.IsDefault(account)));
            }
            if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(
                    new ItemNotFoundException($"No account named '{name}' is connected: run Connect-MMAccount -Name {name}."),
                    ErrorIds.AccountNotFound, ErrorCategory.ObjectNotFound, name));
        }
    }
}
