using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A template's category changed, or is about to (field template_category_update). A completed change carries
/// PreviousCategory and NewCategory; an announced one CorrectCategory and the time it takes effect.
/// </summary>
public sealed class MMTemplateCategoryEvent : MMWebhookEvent
{
    public override string EventType => "TemplateCategory";

    public string? TemplateId { get; internal set; }

    public string? TemplateName { get; internal set; }

    public string? Language { get; internal set; }

    /// <summary>The category before a completed change.</summary>
    public string? PreviousCategory { get; internal set; }

    /// <summary>The category now (completed change) or still now (announced change).</summary>
    public string? NewCategory { get; internal set; }

    /// <summary>Announced changes only: the category the template will get.</summary>
    public string? CorrectCategory { get; internal set; }

    /// <summary>Announced changes only: when the category will change (UTC).</summary>
    public DateTimeOffset? EffectiveAt { get; internal set; }

    /// <summary>True for an announced change that has not happened yet.</summary>
    public bool IsAnnounced => CorrectCategory != null && PreviousCategory is null;

    /// <summary>When Meta sent the change (entry.time, UTC).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }
}
