using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsDiagnostic.Measure, "MMCampaign")]
[OutputType(typeof(MMCampaignSummary))]
public sealed class MeasureMMCampaignCommand : MMCmdlet
{
    private Funnel? _funnel;
    private long _events;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public MMWebhookEvent[]? InputObject { get; set; }

    [Parameter(Position = 0)]
    public CampaignGrouping GroupBy { get; set; } = CampaignGrouping.None;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    protected override void BeginProcessing()
    {
        Dictionary<string, SendJournalEntry>? journal = null;
        if (JournalPath != null)
        {
            var file = GetUnresolvedProviderPathFromPSPath(JournalPath);
            if (!File.Exists(file))
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalNotFound, new FileNotFoundException($"No send journal at '{file}'.", file), JournalPath,
                    "Give the file Send-MarketingMessage -JournalPath wrote."));
            }
            var bad = 0;
            journal = SendJournalReader.ReadIndex(file, (line, message) =>
            {
                if (++bad <= 5) WriteWarning($"{file}, line {line}: skipped ({message}).");
            });
            if (bad > 5) WriteWarning($"{file}: {bad} lines skipped in all.");
            WriteVerbose($"Read {journal.Count:N0} sent messages from the journal {file}.");
        }
        else if (GroupBy == CampaignGrouping.Template)
        {
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.JournalRequired, new ArgumentException("-GroupBy Template needs -JournalPath: statuses do not name the template, the send journal does."), GroupBy,
                "Add -JournalPath with the file Send-MarketingMessage -JournalPath wrote, or use -GroupBy CallbackData."));
        }
        _funnel = new Funnel(GroupBy, journal);
    }

    protected override void ProcessRecord()
    {
        foreach (var e in InputObject ?? Array.Empty<MMWebhookEvent>())
        {
            if (e is null) continue;
            _funnel!.Add(e);
            _events++;
        }
    }

    protected override void EndProcessing()
    {
        WriteVerbose($"Folded {_events:N0} events.");
        foreach (var row in _funnel!.Summarize()) WriteObject(row);
    }
}
