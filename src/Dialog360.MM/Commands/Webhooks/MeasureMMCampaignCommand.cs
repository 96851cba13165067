using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsDiagnostic.Measure, "MMCampaign", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(MMCampaignSummary))]
public sealed class MeasureMMCampaignCommand : MMCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private Funnel? _funnel;
    private long _events;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public MMWebhookEvent[]? InputObject { get; set; }

    /// <summary>Webhook files, folded as they are read: no object per event crosses the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[]? LiteralPath { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxDeliveryBytes { get; set; } = WebhookReader.DefaultMaxDeliveryBytes;

    [Parameter(Position = 0)]
    public CampaignGrouping GroupBy { get; set; } = CampaignGrouping.None;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>A CSV of prices per market and category: adds EstimatedCost (Core: RateCard).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RateCard { get; set; }

    protected override void BeginProcessing()
    {
        var rateCard = RateCard is null ? null : LoadRateCard(RateCard);
        Dictionary<string, SendJournalEntry>? journal = null;
        if (JournalPath != null)
        {
            // The journal lives where the default account keeps its state: a file, or its storage container.
            var state = ResolveAccountOrNull(null)?.State ?? FileStateStore.Instance;
            var file = StatePath(state, JournalPath, nameof(JournalPath));
            bool exists;
            try { exists = state.JournalExists(file); }
            catch (IOException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, JournalPath));
                return;
            }
            if (!exists)
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalNotFound, new FileNotFoundException($"No send journal at '{file}'.", file), JournalPath));
            var bad = 0;
            void Skipped(long line, string message)
            {
                if (++bad <= 5) WriteWarning($"{file}, line {line}: skipped ({message}).");
            }
            try { journal = state is FileStateStore ? SendJournalReader.ReadIndex(file, Skipped) : SendJournalReader.ReadIndex(state.ReadJournal(file), Skipped); }
            catch (IOException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, JournalPath));
                return;
            }
            if (bad > 5) WriteWarning($"{file}: {bad} lines skipped in all.");
            WriteVerbose($"Read {journal.Count:N0} sent messages from the journal {file}.");
            if (journal.Count == 0)
                WriteWarning($"The journal {file} names no sent message, so nothing is joined to it. Is it the file Send-MarketingMessage -JournalPath wrote (webhook files go to -Path)?");
        }
        else if (GroupBy == CampaignGrouping.Template)
        {
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.JournalRequired, new ArgumentException("-GroupBy Template needs -JournalPath: statuses do not name the template, the send journal does."), GroupBy));
        }
        _funnel = new Funnel(GroupBy, journal, rateCard);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var e in InputObject ?? Array.Empty<MMWebhookEvent>())
            {
                if (e is null) continue;
                _funnel!.Add(e);
                _events++;
            }
            return;
        }
        var literal = ParameterSetName == LiteralPathSet;
        var files = WebhookFiles.Resolve(this, (literal ? LiteralPath : Path) ?? Array.Empty<string>(), literal, literal ? nameof(LiteralPath) : nameof(Path)).ToList();
        // A month of logs (logs/*.jsonl) takes a while: progress by bytes, file by file. One file is quick enough.
        var sizes = files.Select(SizeOf).ToList();
        var total = sizes.Sum();
        long done = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            // A record per file: a host that keeps them (a job, a runbook's stream) sees each as it was.
            if (files.Count > 1)
            {
                WriteProgress(new ProgressRecord(1, "Measure-MMCampaign", $"File {i + 1} of {files.Count}: {System.IO.Path.GetFileName(file)}")
                {
                    PercentComplete = total > 0 ? (int)(done * 100 / total) : i * 100 / files.Count,
                });
            }
            done += sizes[i];
            WriteVerbose($"Reading webhook deliveries from {file} ({sizes[i]:N0} bytes).");
            try
            {
                // A large file is read on several cores; its problems come back here, on the pipeline thread, in file order.
                _events += _funnel!.AddFile(file, error => WriteError(ErrorRecords.FromWebhookRead(error, file)), CancelToken, MaxDeliveryBytes);
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
            }
        }
        if (files.Count > 1) WriteProgress(new ProgressRecord(1, "Measure-MMCampaign", "Done") { RecordType = ProgressRecordType.Completed });
    }

    // A file that went away since it was listed reads as empty here; reading it reports WebhookFileUnreadable.
    private static long SizeOf(string file)
    {
        try { return new FileInfo(file).Length; }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return 0; }
    }

    protected override void EndProcessing()
    {
        WriteVerbose($"Folded {_events:N0} events.");
        IReadOnlyList<MMCampaignSummary> rows = Array.Empty<MMCampaignSummary>();
        try { rows = _funnel!.Summarize(); }
        catch (InvalidDataException ex)
        {
            // A cost past decimal's range (RateCard.MaxPrice keeps every real card far from it): the card's prices are wrong.
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidRateCard, ex, RateCard));
        }
        foreach (var row in rows) WriteObject(row);
        // One total per market and category over all rows: grouped by campaign, the same gap shows in several rows.
        var missing = rows.SelectMany(r => r.MissingRateCounts)
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} ({g.Sum(m => m.Value):N0})")
            .ToList();
        if (missing.Count > 0)
            WriteWarning($"The rate card has no price for {string.Join(", ", missing)}: " +
                $"{rows.Sum(r => r.UnpricedMessages):N0} billable message(s) are not in EstimatedCost. Add those markets (region or calling code) to the rate card.");
        if (_events > 0 && rows.All(r => r.Messages == 0 && r.Clicked == 0))
            WriteWarning($"None of the {_events:N0} events read is a status or a click, so the funnel is empty. " +
                "Check that the input is webhook deliveries (a send journal goes to -JournalPath).");
    }

    private Core.Reporting.RateCard LoadRateCard(string path)
    {
        var file = FileSystemPath(path, nameof(RateCard));
        if (!File.Exists(file))
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.RateCardNotFound, new FileNotFoundException($"No rate card at '{file}'.", file), path));
        try
        {
            var card = Core.Reporting.RateCard.Load(file);
            WriteVerbose($"Read {card.Count:N0} prices in {card.Currency} from the rate card {file}.");
            return card;
        }
        catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidRateCard, ex, path));
            throw;
        }
    }
}
