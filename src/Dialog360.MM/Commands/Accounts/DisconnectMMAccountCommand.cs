using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Errors;

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
        foreach (var name in names)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = session.Accounts.Where(a => pattern.IsMatch(a.Name)).Select(a => a.Name).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(
                    new ItemNotFoundException($"No account named '{name}' is connected: run Get-MMAccount to see the connected ones."),
                    ErrorIds.AccountNotFound, ErrorCategory.ObjectNotFound, name));
            foreach (var match in matches)
                if (ShouldProcess(match, "Disconnect the account and forget its key"))
                {
                    session.Remove(match);
                    WriteVerbose($"Disconnected account '{match}'.");
                }
        }
    }
}
