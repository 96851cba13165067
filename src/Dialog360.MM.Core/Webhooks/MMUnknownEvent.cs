namespace Dialog360.MM.Core.Webhooks;

/// <summary>Anything the other event types do not describe (another field, another user action, a value-level error), kept as raw JSON.</summary>
public sealed class MMUnknownEvent : MMWebhookEvent
{
    public override string EventType => "Unknown";

    /// <summary>What was not recognised, e.g. "field group_lifecycle_update" or "user action xyz".</summary>
    public string? Reason { get; internal set; }

    /// <summary>The JSON as received (the whole change, user action or value property).</summary>
    public string? RawJson { get; internal set; }
}
