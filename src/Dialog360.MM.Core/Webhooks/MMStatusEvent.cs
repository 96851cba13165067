using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>A status of a message the business sent: value.statuses[] (sent, delivered, read, failed).</summary>
public sealed class MMStatusEvent : MMWebhookEvent
{
    public override string EventType => "Status";

    /// <summary>As delivered, lower case: sent, delivered, read or failed (or a newer value Meta adds).</summary>
    public string? Status { get; internal set; }

    /// <summary>The wamid the send answered with.</summary>
    public string? MessageId { get; internal set; }

    /// <summary>
    /// The recipient's number (recipient_id, else the wa_id of value.contacts[]); null when WhatsApp did not send it: a
    /// message sent to a BSUID, for a person who hides their number behind a username, may come back without it.
    /// </summary>
    public string? RecipientId { get; internal set; }

    /// <summary>The recipient's business-scoped user ID: recipient_user_id, else the user_id of value.contacts[].</summary>
    public string? UserId { get; internal set; }

    /// <summary>The recipient's parent BSUID (CC.ENT.…): parent_recipient_user_id or recipient_parent_user_id, else value.contacts[].parent_user_id.</summary>
    public string? ParentUserId { get; internal set; }

    /// <summary>The recipient's WhatsApp username (value.contacts[].profile.username; delivered and read statuses only).</summary>
    public string? Username { get; internal set; }

    /// <summary>When the message reached this status (UTC).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }

    /// <summary>True when pricing.category is marketing_lite: the message went through the Marketing Messages API.</summary>
    public bool IsMarketingLite => string.Equals(PricingCategory, "marketing_lite", StringComparison.Ordinal);

    public string? PricingCategory { get; internal set; }

    public string? PricingModel { get; internal set; }

    public bool? Billable { get; internal set; }

    /// <summary>
    /// pricing.cost.amount: what this delivery actually cost, in currency units (0.035), on delivered and read statuses of
    /// messages whose template has a max price (Meta, "Set a max price for marketing messages"); null otherwise. The
    /// invoice is the final word.
    /// </summary>
    public decimal? CostAmount { get; internal set; }

    /// <summary>pricing.cost.currency: the currency of <see cref="CostAmount"/> (USD, EUR, INR …).</summary>
    public string? CostCurrency { get; internal set; }

    public string? ConversationId { get; internal set; }

    /// <summary>biz_opaque_callback_data: what the send carried to tell campaigns apart.</summary>
    public string? CallbackData { get; internal set; }

    /// <summary>errors[0].code of a failed status.</summary>
    public int? ErrorCode { get; internal set; }

    public string? ErrorTitle { get; internal set; }

    /// <summary>errors[0].error_data.details, else errors[0].message.</summary>
    public string? ErrorDetails { get; internal set; }
}
