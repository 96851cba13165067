using System;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Suppression;

/// <summary>The people on the suppression list now (the latest record of each is an add), oldest first.</summary>
[Cmdlet(VerbsCommon.Get, "MMSuppression")]
[OutputType(typeof(MMSuppressionEntry))]
public sealed class GetMMSuppressionCommand : SuppressionCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To", "PhoneNumber", "Mobile", "WaId", "Recipient")]
    [SupportsWildcards]
    public string[]? Phone { get; set; }

    private bool _filtered;

    protected override void ProcessRecord()
    {
        if (Phone is null) return;
        _filtered = true;
        foreach (var phone in Phone)
        {
            if (WildcardPattern.ContainsWildcardCharacters(phone))
            {
                // "+44 7911*" matches the stored digits: the punctuation people type is dropped, the wildcards kept.
                // A pattern for a user ID ("US.*") matches user IDs as written.
                var pattern = new WildcardPattern(phone.Contains('.') ? phone : new string(phone.Where(c => !" +-()/\u00A0".Contains(c)).ToArray()));
                foreach (var e in List.Entries.Where(e => (e.Phone != null && pattern.IsMatch(e.Phone)) || (e.UserId != null && pattern.IsMatch(e.UserId))))
                    WriteObject(new MMSuppressionEntry(e, List.Path));
                continue;
            }
            if (PersonOf(phone, null) is not { } person) continue;
            if (List.TryGet(person, out var entry)) WriteObject(new MMSuppressionEntry(entry, List.Path));
            else WriteError(NotFound(phone, List.Path));
        }
    }

    protected override void EndProcessing()
    {
        if (!_filtered) WriteObject(List.Entries.Select(e => new MMSuppressionEntry(e, List.Path)), enumerateCollection: true);
    }

    internal static ErrorRecord NotFound(string phone, string path) => ErrorRecords.Create(ErrorIds.SuppressionNotFound,
        new ItemNotFoundException($"{phone} is not on the suppression list '{path}'."), phone);
}
