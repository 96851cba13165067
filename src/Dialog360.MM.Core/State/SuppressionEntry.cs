using System;
using System.Collections.Generic;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.State;

/// <summary>Whether a record of the suppression list puts a number on the list or takes it off.</summary>
public enum SuppressionAction
{
    Add,
    Remove,
}

/// <summary>
/// One record of a suppression list: a person put on it (reason "stop", "131050", "manual", or the admin's words) or
/// taken off it, where that came from ("events.jsonl:12", "webhook", "manual", "csv", a campaign) and when it happened.
/// A person is named by a number, a business-scoped user ID, or both: a stop that came with only a BSUID is kept by
/// the BSUID, and holds back a send to the number once the list knows they belong together.
/// </summary>
public sealed class SuppressionEntry
{
    /// <summary>A record for <paramref name="phone"/> in any format <see cref="PhoneNumber.Normalize(string?, string)"/> takes.</summary>
    /// <exception cref="MessageValidationException">The number is empty or not an international number (Reason InvalidPhoneNumber).</exception>
    public SuppressionEntry(SuppressionAction action, string phone, string? reason, string source, DateTimeOffset time)
        : this(action, PhoneNumber.Normalize(phone, "Phone"), null, reason, source, time, 0)
    {
    }

    /// <summary>A record for a person known by a number (digits), a BSUID, or both.</summary>
    /// <exception cref="ArgumentException">Neither is given.</exception>
    public SuppressionEntry(SuppressionAction action, Person person, string? reason, string source, DateTimeOffset time)
        : this(action, person.Phone, person.UserId ?? person.ParentUserId, reason, source, time, 0)
    {
    }

    // From the file: the number was normalised when it was written, so libphonenumber is not asked again on every load.
    internal SuppressionEntry(SuppressionAction action, string? digits, string? userId, string? reason, string source, DateTimeOffset time, long line)
    {
        if (digits is null && userId is null) throw new ArgumentException("A suppression record names a number or a business-scoped user ID.");
        Action = action;
        Phone = digits;
        UserId = userId;
        Reason = reason;
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Time = time.ToUniversalTime();
        Line = line;
    }

    /// <summary>A number to suppress, e.g. <c>Suppress("+44 7911 123456", "131050", "spring_sale", DateTimeOffset.UtcNow)</c>.</summary>
    public static SuppressionEntry Suppress(string phone, string? reason, string source, DateTimeOffset time) =>
        new(SuppressionAction.Add, phone, reason, source, time);

    /// <summary>A number to take off the list (a "resume", or the admin's decision).</summary>
    public static SuppressionEntry Unsuppress(string phone, string? reason, string source, DateTimeOffset time) =>
        new(SuppressionAction.Remove, phone, reason, source, time);

    /// <summary>
    /// What a webhook event says about the list: a marketing "stop" (user_preferences) or a failed status whose code
    /// means the person stopped marketing messages (131050, the error catalog's OptsOut) adds the person, a marketing
    /// "resume" removes them; anything else is null. The person is named as the event names them: by number, by
    /// business-scoped user ID (a username user's stop may come with only user_id, a status sent to a BSUID without
    /// recipient_id), or both. The time is the event's own (<paramref name="now"/> for an event without one), the
    /// source its file and line ("events.jsonl:12"), or "webhook" for an event not read from a file.
    /// </summary>
    /// <exception cref="MessageValidationException">The event's wa_id or recipient_id is not an international number,
    /// or it names the person only by a user_id that is not a business-scoped user ID.</exception>
    public static SuppressionEntry? FromWebhook(MMWebhookEvent e, DateTimeOffset now)
    {
        var source = e.Source is null ? "webhook" : $"{e.Source}:{e.Line}";
        switch (e)
        {
            case MMUserPreferenceEvent p when p.Category == "marketing_messages" && (p.Value == "stop" || p.Value == "resume") && Names(p.WaId, p.UserId, p.ParentUserId):
                return new SuppressionEntry(p.Value == "stop" ? SuppressionAction.Add : SuppressionAction.Remove,
                    PersonOf(p.WaId, "wa_id", p.UserId, p.ParentUserId), p.Value, source, p.Timestamp ?? now);
            case MMStatusEvent s when s.Status == "failed" && ApiErrorCatalog.Lookup(s.ErrorCode)?.OptsOut == true && Names(s.RecipientId, s.UserId, s.ParentUserId):
                return new SuppressionEntry(SuppressionAction.Add, PersonOf(s.RecipientId, "recipient_id", s.UserId, s.ParentUserId),
                    s.ErrorCode!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), source, s.Timestamp ?? now);
            default:
                return null;
        }
    }

    private static bool Names(string? waId, string? userId, string? parentUserId) => waId != null || userId != null || parentUserId != null;

    /// <summary>
    /// The person an opt-out names: the number, when there is one, with the BSUID if it is one; else the BSUID (or the
    /// parent BSUID), which must then be one, since the record is kept by it alone.
    /// </summary>
    private static Person PersonOf(string? waId, string waIdField, string? userId, string? parentUserId)
    {
        if (waId != null)
            return new Person(PhoneNumber.Normalize(waId, waIdField), Messages.UserId.IsUserId(userId) ? userId : null,
                Messages.UserId.IsUserId(parentUserId) ? parentUserId : null);
        return userId != null
            ? new Person(null, Messages.UserId.Validate(userId, "user_id"), Messages.UserId.IsUserId(parentUserId) ? parentUserId : null)
            : new Person(null, null, Messages.UserId.Validate(parentUserId, "parent_user_id"));
    }

    public SuppressionAction Action { get; }

    /// <summary>Digits only, international, without '+' (as sent in "to"); null for a record by BSUID only.</summary>
    public string? Phone { get; }

    /// <summary>The person's business-scoped user ID (or parent ID), when the record came with one.</summary>
    public string? UserId { get; }

    /// <summary>The keys the record is filed under: the number's key and the BSUID.</summary>
    public IReadOnlyList<string> Keys => new IdentityPair(Phone, UserId).Keys;

    /// <summary>Who the record is about: the number, else the BSUID.</summary>
    public string Display => Phone is null ? UserId! : "+" + Phone;

    public string? Reason { get; }

    public string Source { get; }

    /// <summary>When it happened (UTC): the event's own time for webhooks, so events read out of order fold right.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The line of the list file this record was read from or written to; 0 before it is stored.</summary>
    public long Line { get; }

    internal SuppressionEntry AtLine(long line) => new(Action, Phone, UserId, Reason, Source, Time, line);

    /// <summary>Why a send skips the number, for a result: "stop on 2026-11-25 09:30 UTC (events.jsonl:12)".</summary>
    public string Describe() =>
        $"{Reason ?? "suppressed"} on {Time.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC ({Source})";

    public override string ToString() =>
        $"{Action.ToString().ToLowerInvariant()} {Phone ?? UserId}{(Phone != null && UserId != null ? " " + UserId : "")} ({Reason}, {Source}, {Time:u})";
}
