using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>What <see cref="DeliveryParser"/> makes of one delivery, and the shared strings it reuses from one delivery to the next.</summary>
internal sealed class DeliveryBatch
{
    /// <param name="statusRecords">Keep statuses as <see cref="StatusRecord"/>s (for a fold) instead of events.</param>
    public DeliveryBatch(bool statusRecords) => Statuses = statusRecords ? new List<StatusRecord>() : null;

    public List<MMWebhookEvent> Events { get; } = new();

    /// <summary>The statuses, when they are kept as records; null when they are events like the rest.</summary>
    public List<StatusRecord>? Statuses { get; }

    public Utf8StringPool Pool { get; } = new();

    public void Clear()
    {
        Events.Clear();
        Statuses?.Clear();
    }
}

/// <summary>Takes the statuses of each delivery as records, while the delivery they point into is still at hand.</summary>
internal interface IStatusSink
{
    /// <param name="json">The delivery; the records' text refers into it and is valid only during the call.</param>
    void Take(ReadOnlySpan<byte> json, List<StatusRecord> statuses);
}
