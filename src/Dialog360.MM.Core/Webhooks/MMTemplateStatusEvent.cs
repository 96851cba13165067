using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>A template's status changed (field message_template_status_update): approved, paused, disabled, …</summary>
public sealed class MMTemplateStatusEvent : MMWebhookEvent
{
    public override string EventType => "TemplateStatus";

    /// <summary>value.event as delivered: APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, REINSTATED, ARCHIVED, …</summary>
    public string? Status { get; internal set; }

    /// <summary>message_template_id (a number in Meta's payload, kept as its text).</summary>
    public string? TemplateId { get; internal set; }

    public string? TemplateName { get; internal set; }

    /// <summary>message_template_language, e.g. en_US.</summary>
    public string? Language { get; internal set; }

    /// <summary>message_template_category: MARKETING, UTILITY or AUTHENTICATION.</summary>
    public string? Category { get; internal set; }

    /// <summary>Rejection reason (NONE when there is none; null for a template scheduled for deletion).</summary>
    public string? Reason { get; internal set; }

    /// <summary>other_info.title for pauses and unpauses: FIRST_PAUSE, SECOND_PAUSE, UNPAUSE, …</summary>
    public string? Title { get; internal set; }

    /// <summary>other_info.description, or rejection_info.reason for a rejection with INVALID_FORMAT.</summary>
    public string? Description { get; internal set; }

    /// <summary>When Meta sent the change (entry.time, UTC).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }
}
