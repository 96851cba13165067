using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

/// <summary>
/// What Measure-MMCampaign and Export-MMCampaignReport read alike: the send journal, the rate card and webhook files
/// folded into a funnel, with the same errors, warnings and progress, so the report counts what the measure counts.
/// </summary>
internal static class FunnelInput
{
    /// <summary>The journal's sends by message id; null without -JournalPath. -GroupBy Template without one is refused.</summary>
    public static Dictionary<string, SendJournalEntry>? ReadJournal(MMCmdlet cmdlet, string? journalPath, CampaignGrouping groupBy)
    {
        if (journalPath is null)
        {
            if (groupBy == CampaignGrouping.Template)
                cmdlet.ThrowTerminatingError(ErrorRecords.Create(
                    ErrorIds.JournalRequired, new ArgumentException("-GroupBy Template needs -JournalPath: statuses do not name the template, the send journal does."), groupBy));
            return null;
        }
        // The journal lives where the default account keeps its state: a file, or its storage container.
        var state = cmdlet.ResolveAccountOrNull(null)?.State ?? FileStateStore.Instance;
        var file = cmdlet.StatePath(state, journalPath, "JournalPath");
        bool exists;
        try { exists = state.JournalExists(file); }
        catch (IOException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, journalPath));
            throw;
        }
        if (!exists)
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalNotFound, new FileNotFoundException($"No send journal at '{file}'.", file), journalPath));
        var bad = 0;
        void Skipped(long line, string message)
        {
            if (++bad <= 5) cmdlet.WriteWarning($"{file}, line {line}: skipped ({message}).");
        }
        Dictionary<string, SendJournalEntry> journal;
        try { journal = state is FileStateStore ? SendJournalReader.ReadIndex(file, Skipped) : SendJournalReader.ReadIndex(state.ReadJournal(file), Skipped); }
        catch (IOException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, journalPath));
            throw;
        }
        if (bad > 5) cmdlet.WriteWarning($"{file}: {bad} lines skipped in all.");
        cmdlet.WriteVerbose($"Read {journal.Count:N0} sent messages from the journal {file}.");
        if (journal.Count == 0)
            cmdlet.WriteWarning($"The journal {file} names no sent message, so nothing is joined to it. Is it the file Send-MarketingMessage -JournalPath wrote (webhook files go to -Path)?");
        return journal;
    }

    public static Core.Reporting.RateCard LoadRateCard(MMCmdlet cmdlet, string path)
    {
        var file = cmdlet.FileSystemPath(path, "RateCard");
        if (!File.Exists(file))
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.RateCardNotFound, new FileNotFoundException($"No rate card at '{file}'.", file), path));
        try
        {
            var card = Core.Reporting.RateCard.Load(file);
            cmdlet.WriteVerbose($"Read {card.Count:N0} prices in {card.Currency} from the rate card {file}.");
            return card;
        }
        catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidRateCard, ex, path));
            throw;
        }
    }

    /// <summary>
    /// One pipeline record: the events piped in (<paramref name="events"/> not null), else the files -Path or
    /// -LiteralPath name, whose file names go to <paramref name="sources"/> when given. Returns the events read.
    /// </summary>
    public static long AddRecord(MMCmdlet cmdlet, Funnel funnel, MMWebhookEvent[]? events, string[]? path, string[]? literalPath,
        int maxDeliveryBytes, CancellationToken cancel, ICollection<string>? sources = null)
    {
        if (events != null)
        {
            long read = 0;
            foreach (var e in events)
            {
                if (e is null) continue;
                funnel.Add(e);
                read++;
            }
            return read;
        }
        var literal = literalPath != null;
        var files = WebhookFiles.Resolve(cmdlet, (literal ? literalPath : path) ?? Array.Empty<string>(), literal, literal ? "LiteralPath" : "Path").ToList();
        foreach (var name in files.Select(Path.GetFileName))
            if (sources != null && !sources.Contains(name)) sources.Add(name);
        return AddFiles(cmdlet, funnel, files, maxDeliveryBytes, cancel);
    }

    /// <summary>Folds webhook files into the funnel, file by file; a file that cannot be read is reported and skipped. Returns the events read.</summary>
    public static long AddFiles(MMCmdlet cmdlet, Funnel funnel, IReadOnlyList<string> files, int maxDeliveryBytes, CancellationToken cancel)
    {
        var activity = cmdlet.MyInvocation.MyCommand.Name;
        // A month of logs (logs/*.jsonl) takes a while: progress by bytes, file by file. One file is quick enough.
        var sizes = files.Select(SizeOf).ToList();
        var total = sizes.Sum();
        long done = 0, events = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            // A record per file: a host that keeps them (a job, a runbook's stream) sees each as it was.
            if (files.Count > 1)
            {
                cmdlet.WriteProgress(new ProgressRecord(1, activity, $"File {i + 1} of {files.Count}: {Path.GetFileName(file)}")
                {
                    PercentComplete = total > 0 ? (int)(done * 100 / total) : i * 100 / files.Count,
                });
            }
            done += sizes[i];
            cmdlet.WriteVerbose($"Reading webhook deliveries from {file} ({sizes[i]:N0} bytes).");
            try
            {
                // A large file is read on several cores; its problems come back here, on the pipeline thread, in file order.
                events += funnel.AddFile(file, error => cmdlet.WriteError(ErrorRecords.FromWebhookRead(error, file)), cancel, maxDeliveryBytes);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                cmdlet.WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
            }
        }
        if (files.Count > 1) cmdlet.WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        return events;
    }

    // A file that went away since it was listed reads as empty here; reading it reports WebhookFileUnreadable.
    private static long SizeOf(string file)
    {
        try { return new FileInfo(file).Length; }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { return 0; }
    }

    /// <summary>Warnings about a finished funnel: markets the rate card lacks, billable messages neither priced nor
    /// estimated, and input that held no status or click.</summary>
    public static void WarnAbout(Cmdlet cmdlet, IReadOnlyList<MMCampaignSummary> rows, long events, bool hasRateCard)
    {
        // One total per market and category over all rows: grouped by campaign, the same gap shows in several rows.
        var missing = rows.SelectMany(r => r.MissingRateCounts)
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} ({g.Sum(m => m.Value):N0})")
            .ToList();
        if (missing.Count > 0)
            cmdlet.WriteWarning($"The rate card has no price for {string.Join(", ", missing)}: " +
                $"{rows.Sum(r => r.UnpricedMessages):N0} billable message(s) are not in EstimatedCost. Add those markets (region or calling code) to the rate card.");
        // Max price in use, but some deliveries named no price (templates without one) and nothing estimates them.
        var estimated = rows.Sum(r => r.EstimatedMessages);
        if (!hasRateCard && estimated > 0 && rows.Any(r => r.PricedMessages > 0))
            cmdlet.WriteWarning($"{estimated:N0} billable message(s) named no actual price in their webhooks (templates without a max price), so ActualCost leaves them out. " +
                "Give -RateCard to estimate them.");
        if (events > 0 && rows.All(r => r.Messages == 0 && r.Clicked == 0))
            cmdlet.WriteWarning($"None of the {events:N0} events read is a status or a click, so the funnel is empty. " +
                "Check that the input is webhook deliveries (a send journal goes to -JournalPath).");
    }
}
