using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A link click in a marketing message (value.user_actions[] with action_type marketing_messages_link_click), sent
/// when the message was sent with message_activity_sharing. Meta's payload does not say who clicked.
/// </summary>
public sealed class MMClickEvent : MMWebhookEvent
{
    public override string EventType => "Click";

    /// <summary>cta (a button) or body (a link in the text).</summary>
    public string? ClickComponent { get; internal set; }

    /// <summary>Identifies the click: a redelivered webhook repeats it, so count distinct ids.</summary>
    public string? ClickId { get; internal set; }

    public string? ProductId { get; internal set; }

    public string? TrackingToken { get; internal set; }

    public DateTimeOffset? Timestamp { get; internal set; }
}
