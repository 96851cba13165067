using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A person stopped or resumed marketing messages from a business number (field user_preferences,
/// value.user_preferences[]). Meta sends it only for stop/resume, not for "interested / not interested" feedback.
/// </summary>
public sealed class MMUserPreferenceEvent : MMWebhookEvent
{
    public override string EventType => "UserPreference";

    /// <summary>The person's WhatsApp id (usually, not always, their number without "+").</summary>
    public string? WaId { get; internal set; }

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
