using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// A change to the WhatsApp Business Account (field account_update), e.g. MM_LITE_TERMS_SIGNED when the Marketing
/// Messages terms are accepted, ACCOUNT_VIOLATION, DISABLED_UPDATE, ACCOUNT_RESTRICTION. Event-specific detail
/// beyond the properties here stays in RawJson.
/// </summary>
public sealed class MMAccountUpdateEvent : MMWebhookEvent
{
    public override string EventType => "AccountUpdate";

    /// <summary>value.event as delivered.</summary>
    public string? Event { get; internal set; }

    /// <summary>waba_info.owner_business_id: the business portfolio (MM_LITE_TERMS_SIGNED, PARTNER_* events).</summary>
    public string? OwnerBusinessId { get; internal set; }

    /// <summary>violation_info.violation_type (ACCOUNT_VIOLATION).</summary>
    public string? ViolationType { get; internal set; }

    /// <summary>ban_info.waba_ban_state (DISABLED_UPDATE).</summary>
    public string? BanState { get; internal set; }

    /// <summary>country (BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE).</summary>
    public string? Country { get; internal set; }

    /// <summary>When Meta sent the change (entry.time, UTC).</summary>
    public DateTimeOffset? Timestamp { get; internal set; }

    /// <summary>The change's value object as received.</summary>
    public string? RawJson { get; internal set; }
}
