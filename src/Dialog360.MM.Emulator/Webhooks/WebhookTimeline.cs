using System;
using System.Collections.Generic;

namespace Dialog360.MM.Emulator.Webhooks;

/// <summary>An event and when, in platform seconds after the send was accepted, its delivery leaves.</summary>
internal readonly struct TimedEvent
{
    public TimedEvent(double dueSeconds, WebhookEvent e)
    {
        DueSeconds = dueSeconds;
        Event = e;
    }

    public double DueSeconds { get; }
    public WebhookEvent Event { get; }
}

/// <summary>What an accepted send carried that its webhooks depend on.</summary>
internal sealed class AcceptedSend
{
    /// <summary>Who it went to, however it was addressed.</summary>
    public EmulatedPerson Person { get; set; } = null!;

    /// <summary>What the send named: the number ("to") or the BSUID ("recipient").</summary>
    public string Input { get; set; } = string.Empty;

    /// <summary>Sent with "recipient" (a BSUID) rather than "to".</summary>
    public bool ByUserId { get; set; }

    public string MessageId { get; set; } = string.Empty;
    public bool MarketingRoute { get; set; }
    public bool CloudApiFallback { get; set; }
    public bool ActivitySharing { get; set; }
    public string? CallbackData { get; set; }

    /// <summary>The most a delivery may cost (the template's max price times the send's bid multiplier); null for a template without one.</summary>
    public decimal? MaxPrice { get; set; }

    /// <summary>The id of the template sent (for template analytics); null for a template the emulator does not list.</summary>
    public string? TemplateId { get; set; }

    /// <summary>The emulated WABA's currency, of <see cref="MaxPrice"/>.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Which accepted send to this person it is (1, 2 …): with the person's key, it keys the seeded draws.</summary>
    public int Index { get; set; }

    public long AcceptedAtUnix { get; set; }
}

/// <summary>
/// The events one accepted send produces, drawn from the seed: sent → delivered → read (→ click with activity
/// sharing), or failed with a real code; some recipients opt out; some events are delivered twice, and some sent
/// statuses after their delivered status. A send of a max-price template has its delivery's price on its delivered and
/// read statuses. Platform times follow 360dialog's expectations (delivery within seconds)
/// and ordinary reading behaviour (minutes).
/// </summary>
internal static class WebhookTimeline
{
    // Purposes of the seeded draws, so each decision has its own independent number.
    private const int Deliver = 10, Fail = 11, ReadIt = 12, Click = 13, OptOut = 14, Fallback = 15, Swap = 16, Price = 17,
        Timing = 20, Duplicate = 40;

    // Meta's codes for marketing messages that were accepted and then not delivered (docs/reference/mm-api.md):
    // the per-person marketing limit, undeliverable, and a recipient who stopped marketing messages.
    private static readonly int[] FailureCodes = { 131049, 131049, 131026, 131050 };

    public static List<TimedEvent> For(AcceptedSend send, EmulatorWebhookOptions options, int seed)
    {
        double Draw(int purpose) => SeededDraw.Unit(seed, send.Person.Key, send.Index, purpose);
        double Between(int purpose, double from, double to) => from + (to - from) * Draw(purpose);

        var pricing = send.MarketingRoute && !(send.CloudApiFallback && Draw(Fallback) < options.FallbackRate) ? "marketing_lite" : "marketing";
        // With a max price Meta charges that or less: the emulator charges 60 % to 100 % of it, to the millionth.
        decimal? cost = send.MaxPrice is decimal max ? decimal.Round(max * (0.6m + 0.4m * (decimal)Draw(Price)), 6) : null;
        WebhookEvent Make(WebhookEventKind kind, string status, double atSeconds) => new()
        {
            Kind = kind,
            Status = status,
            MessageId = send.MessageId,
            Person = send.Person,
            Timestamp = send.AcceptedAtUnix + (long)Math.Round(atSeconds),
            CallbackData = send.CallbackData,
            PricingCategory = pricing,
            Currency = send.Currency,
            Token = Token(seed, send, kind),
        };

        var events = new List<TimedEvent>();
        if (Draw(Deliver) >= options.DeliveredRate)
        {
            var failedAt = Between(Timing, 1, 5);
            var failed = Make(WebhookEventKind.Status, "failed", failedAt);
            failed.ErrorCode = FailureCodes[(int)(Draw(Fail) * FailureCodes.Length)];
            events.Add(new TimedEvent(failedAt, failed));
            return WithDuplicates(events, Draw, options);
        }

        var sentAt = Between(Timing + 1, 0.5, 2);
        var deliveredAt = sentAt + Between(Timing + 2, 1, 6);
        var sent = Make(WebhookEventKind.Status, "sent", sentAt);
        var delivered = Make(WebhookEventKind.Status, "delivered", deliveredAt);
        delivered.Cost = cost;
        // The platform's clock stays true; only the delivery of the sent status comes late.
        var sentLeaves = Draw(Swap) < options.OutOfOrderRate ? deliveredAt + Between(Timing + 3, 0.2, 1) : sentAt;
        events.Add(new TimedEvent(sentLeaves, sent));
        events.Add(new TimedEvent(deliveredAt, delivered));

        if (Draw(ReadIt) < options.ReadRate)
        {
            var readAt = deliveredAt + Between(Timing + 4, 20, 600);
            var read = Make(WebhookEventKind.Status, "read", readAt);
            read.Cost = cost;
            events.Add(new TimedEvent(readAt, read));
            if (send.ActivitySharing && Draw(Click) < options.ClickRate)
            {
                var clickAt = readAt + Between(Timing + 5, 5, 120);
                var click = Make(WebhookEventKind.Click, string.Empty, clickAt);
                click.ClickComponent = Draw(Timing + 6) < 0.7 ? "cta" : "body";
                events.Add(new TimedEvent(clickAt, click));
            }
        }
        if (Draw(OptOut) < options.OptOutRate)
        {
            var stopAt = deliveredAt + Between(Timing + 7, 60, 1800);
            events.Add(new TimedEvent(stopAt, Make(WebhookEventKind.OptOut, string.Empty, stopAt)));
        }
        return WithDuplicates(events, Draw, options);
    }

    /// <summary>Adds a second delivery, a little later, for the share of events the platform sends twice.</summary>
    private static List<TimedEvent> WithDuplicates(List<TimedEvent> events, Func<int, double> draw, EmulatorWebhookOptions options)
    {
        var count = events.Count;
        for (var i = 0; i < count; i++)
        {
            if (draw(Duplicate + 2 * i) < options.DuplicateRate)
                events.Add(new TimedEvent(events[i].DueSeconds + 1 + 30 * draw(Duplicate + 2 * i + 1), events[i].Event));
        }
        return events;
    }

    /// <summary>A stable id for a click, conversation or tracking token: the same seeded send gives the same one.</summary>
    private static string Token(int seed, AcceptedSend send, WebhookEventKind kind)
    {
        var bits = (ulong)(SeededDraw.Unit(seed, send.Person.Key, send.Index, 100 + (int)kind) * (1UL << 53));
        return bits.ToString("X14");
    }
}
