namespace Dialog360.MM.Emulator.Webhooks;

internal enum WebhookEventKind
{
    Status,
    Click,
    OptOut,
}

/// <summary>One thing the platform reports about an accepted send: a status, a link click or an opt-out.</summary>
internal sealed class WebhookEvent
{
    public WebhookEventKind Kind { get; set; }

    /// <summary>sent, delivered, read or failed (statuses only).</summary>
    public string Status { get; set; } = string.Empty;

    public string MessageId { get; set; } = string.Empty;

    /// <summary>Who it is about: the number (recipient_id, wa_id) unless a username user, the BSUID, the username.</summary>
    public EmulatedPerson Person { get; set; } = null!;

    /// <summary>When it happened on the platform, in Unix seconds (the delivery may come later, or out of order).</summary>
    public long Timestamp { get; set; }

    public string? CallbackData { get; set; }

    /// <summary>marketing_lite for the MM route, marketing for Cloud API and for a send that fell back to it.</summary>
    public string PricingCategory { get; set; } = "marketing_lite";

    /// <summary>pricing.cost.amount of a max-price send's delivered and read statuses; null for others.</summary>
    public decimal? Cost { get; set; }

    /// <summary>pricing.cost.currency: the emulated WABA's.</summary>
    public string Currency { get; set; } = "USD";

    public int ErrorCode { get; set; }

    /// <summary>A click's component: cta (a button) or body (a link in the text).</summary>
    public string ClickComponent { get; set; } = "cta";

    /// <summary>Distinguishes clicks, conversations and tracking tokens; stable for a seeded run.</summary>
    public string Token { get; set; } = string.Empty;
}
