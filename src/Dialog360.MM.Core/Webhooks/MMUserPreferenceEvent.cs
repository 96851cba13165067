using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A person stopped or resumed marketing messages from a business number (field user_preferences,
/// value.user_preferences[]). Meta sends it only for stop/resume, not for "interested / not interested" feedback.
/// </summary>
public sealed class MMUserPreferenceEvent : MMWebhookEvent
{
    public override string EventType => "UserPreference";

    /// <summary>
    /// The person's WhatsApp id (usually, not always, their number without "+"); null for a person who hides their
    /// number behind a username: then only <see cref="UserId"/> names them.
    /// </summary>
    public string? WaId { get; internal set; }

    /// <summary>The person's business-scoped user ID (user_preferences[].user_id, else value.contacts[].user_id).</summary>
    public string? UserId { get; internal set; }

    /// <summary>The person's parent BSUID (CC.ENT.…), when the business has parent BSUIDs enabled.</summary>
    public string? ParentUserId { get; internal set; }

    public string? ContactName { get; internal set; }

    /// <summary>"stop" or "resume" as delivered; a later resume lifts an earlier stop for the same PhoneNumberId.</summary>
    public string? Value { get; internal set; }

    /// <summary>"marketing_messages" (the only category Meta documents).</summary>
    public string? Category { get; internal set; }

    /// <summary>Meta's text, e.g. "User requested to stop marketing messages".</summary>
    public string? Detail { get; internal set; }

    /// <summary>When the preference changed (UTC).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }

    /// <summary>True for a marketing "stop": the person must not get marketing messages from this number.</summary>
    public bool IsStop => Value == "stop" && Category == "marketing_messages";
}
