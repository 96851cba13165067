using System;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Commands.Suppression;

/// <summary>A record of a suppression list as the *-MMSuppression cmdlets show it.</summary>
public sealed class MMSuppressionEntry
{
    internal MMSuppressionEntry(SuppressionEntry entry, string path)
    {
        Phone = entry.Phone;
        UserId = entry.UserId;
        Action = entry.Action;
        Reason = entry.Reason;
        Source = entry.Source;
        Time = entry.Time;
        Line = entry.Line;
        Path = path;
    }

    /// <summary>Digits only, international, as sent in "to"; empty for a record by business-scoped user ID only.</summary>
    public string? Phone { get; }

    /// <summary>The person's business-scoped user ID, when the record came with one (a stop from a username user has only this).</summary>
    public string? UserId { get; }

    /// <summary>Add for a number on the list; Remove for a record that took it off (Add-/Remove-MMSuppression -PassThru).</summary>
    public SuppressionAction Action { get; }

    /// <summary>stop, 131050, resume, manual, or the reason the admin gave.</summary>
    public string? Reason { get; }

    /// <summary>Where it came from: a webhook file and line ("events.jsonl:12"), "webhook", "manual", "csv", or a campaign.</summary>
    public string Source { get; }

    /// <summary>When it happened (UTC): the webhook event's own time, else when it was recorded.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The record's line in the list file.</summary>
    public long Line { get; }

    /// <summary>The list file.</summary>
    public string Path { get; }

    public override string ToString() => Phone ?? UserId ?? string.Empty;
}
