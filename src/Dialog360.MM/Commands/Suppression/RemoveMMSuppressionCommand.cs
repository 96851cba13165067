using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Commands.Suppression;

/// <summary>
/// Takes numbers off the suppression list by appending a remove record (the history stays in the file). For a
/// person who opted in again; a "resume" webhook event does the same through Add-MMSuppression.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MMSuppression", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MMSuppressionEntry))]
public sealed class RemoveMMSuppressionCommand : SuppressionCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To", "PhoneNumber", "Mobile", "WaId", "Recipient", "UserId", "BSUID", "user_id")]
    [AllowEmptyString]
    public string[] Phone { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "manual";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly List<SuppressionEntry> _batch = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        foreach (var phone in Phone)
        {
            if (PersonOf(phone, null) is not { } person) continue;
            var key = person.Keys.First();
            if (!List.TryGet(person, out _))
            {
                if (!_queued.Contains(key)) WriteError(GetMMSuppressionCommand.NotFound(phone, List.Path));
                continue;
            }
            if (!_queued.Add(key) || !ShouldProcess(person.Display, $"Remove from the suppression list {List.Path}")) continue;
            _batch.Add(new SuppressionEntry(SuppressionAction.Remove, person, Reason, "manual", Time.GetUtcNow()));
        }
        if (_batch.Count >= BatchSize) Flush();
    }

    protected override void EndProcessing() => Flush();

    private void Flush()
    {
        Write(_batch, PassThru);
        _queued.Clear();
    }
}
