using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// What Send-MarketingMessage -Summary writes instead of one result per recipient: a run in one object, a few hundred
/// bytes whatever the audience, so a 100,000-recipient runbook job stays far below its 1 MiB output stream. Every
/// recipient's outcome is in the journal; failures still reach the error stream one by one.
/// </summary>
public sealed class MMSendSummary
{
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    public MMSendSummary(string? journal, DateTimeOffset startedAt)
    {
        Journal = journal;
        StartedAt = startedAt;
        EndedAt = startedAt;
    }

    /// <summary>The template sent; "(several)" when the rows named different ones.</summary>
    public string TemplateName { get; private set; } = string.Empty;

    /// <summary>Where every recipient's outcome is kept (a path, or a journal's address in a storage container).</summary>
    public string? Journal { get; }

    public DateTimeOffset StartedAt { get; }
    public DateTimeOffset EndedAt { get; private set; }
    public TimeSpan Duration => EndedAt - StartedAt;

    /// <summary>Recipients with a result: the sum of the counts below.</summary>
    public int Total { get; private set; }
    public int Accepted { get; private set; }

    /// <summary>Of <see cref="Accepted"/>: answered held_for_quality_assessment or paused.</summary>
    public int Held { get; private set; }
    public int Failed { get; private set; }
    public int Unknown { get; private set; }
    public int Skipped { get; private set; }
    public int Suppressed { get; private set; }
    public int Deferred { get; private set; }

    /// <summary>The earliest time a Deferred recipient may be sent to: when to run the same command again.</summary>
    public DateTimeOffset? NextSendAt { get; private set; }

    /// <summary>Failed and Unknown recipients by error code, most frequent first ($summary.FailuresByCode['131050']).</summary>
    public IDictionary FailuresByCode
    {
        get
        {
            var ordered = new OrderedDictionary(StringComparer.Ordinal);
            foreach (var p in _failures.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)) ordered.Add(p.Key, p.Value);
            return ordered;
        }
    }

    /// <summary>Counts one result.</summary>
    public void Add(MMSendResult result)
    {
        Total++;
        if (Total == 1) TemplateName = result.TemplateName;
        else if (TemplateName != result.TemplateName) TemplateName = "(several)";
        switch (result.Status)
        {
            case SendStatus.Accepted:
                Accepted++;
                if (result.IsHeld) Held++;
                break;
            case SendStatus.Failed: Failed++; break;
            case SendStatus.Unknown: Unknown++; break;
            case SendStatus.Skipped: Skipped++; break;
            case SendStatus.Suppressed: Suppressed++; break;
            case SendStatus.Deferred:
                Deferred++;
                if (result.NotBefore is { } at && (NextSendAt is null || at < NextSendAt)) NextSendAt = at;
                break;
        }
        if (result.Status is SendStatus.Failed or SendStatus.Unknown)
        {
            var code = string.IsNullOrEmpty(result.ErrorCode) ? "none" : result.ErrorCode!;
            _failures[code] = _failures.TryGetValue(code, out var n) ? n + 1 : 1;
        }
    }

    /// <summary>Closes the run at <paramref name="at"/>.</summary>
    public void End(DateTimeOffset at) => EndedAt = at;

    public override string ToString() =>
        $"{TemplateName}: {Total} recipients, {Accepted} accepted, {Failed} failed, {Unknown} unknown, {Skipped} skipped, {Suppressed} suppressed, {Deferred} deferred";
}
