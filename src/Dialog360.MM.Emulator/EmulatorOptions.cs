using System;
using System.Collections.Generic;

namespace Dialog360.MM.Emulator;

public sealed class EmulatorOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The key the emulator accepts in D360-API-KEY; anything else gets 401.</summary>
    public string ApiKey { get; set; } = "emulator-key-0000";

    /// <summary>Added before every answer, to stand in for the real API's round trip (benchmarks use 50 ms).</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Templates the emulator knows; defaults to <see cref="EmulatorTemplate.Defaults"/>.</summary>
    public IList<EmulatorTemplate> Templates { get; set; } = new List<EmulatorTemplate>(EmulatorTemplate.Defaults);

    /// <summary>
    /// Recipients whose sends fail with this Graph error code, e.g. 131050 (stopped marketing). A number (digits only)
    /// fails every send to its owner, by number or by BSUID; a BSUID fails the sends addressed to it (recipient), so
    /// 131062 (BSUID recipients not supported for this message) can be rehearsed while sends to the number go through.
    /// </summary>
    public IDictionary<string, int> FailRecipients { get; set; } = new Dictionary<string, int>();

    /// <summary>
    /// Recipients (digits or a BSUID, each naming the person) whose sends are accepted with this message_status instead of "accepted":
    /// held_for_quality_assessment or paused (MarketingMessageResponsePayload, Meta's OpenAPI file).
    /// </summary>
    public IDictionary<string, string> HoldRecipients { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Faults for the first sends to a recipient (digits or a BSUID, each naming the person), one per request, in order, as <see cref="EmulatorFault"/> values:
    /// 429, 503, 500, 502, 504, 200 (malformed success) or 0 (accepted, then the connection drops).
    /// Once a recipient's faults are used up, its sends are answered normally (or by <see cref="FaultRates"/>).
    /// </summary>
    public IDictionary<string, Queue<int>> Faults { get; set; } = new Dictionary<string, Queue<int>>();

    /// <summary>
    /// The share of valid sends (0 to 1 each, at most 1 together) answered with each fault. Which send gets which
    /// fault follows from <see cref="Seed"/>, the recipient and how often it was sent to, so a seeded run is
    /// repeatable however the requests interleave.
    /// </summary>
    public IDictionary<EmulatorFault, double> FaultRates { get; set; } = new Dictionary<EmulatorFault, double>();

    /// <summary>
    /// The share of people (0 to 1) who use a WhatsApp username: their webhooks carry their business-scoped user ID
    /// and username and never their number. Who they are follows from <see cref="Seed"/> and the number.
    /// </summary>
    public double UsernameRate { get; set; }

    /// <summary>People who use a username whatever <see cref="UsernameRate"/> draws: numbers in digits or BSUIDs.</summary>
    public ISet<string> UsernameRecipients { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Makes every random choice repeatable; null picks one at start (shown as MarketingApiEmulator.Seed).</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// The currency the emulated WABA is billed in (ISO 4217): templates' bid_amount is in its smallest unit, and
    /// pricing.cost and template analytics are in it.
    /// </summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Answer the MM route as for a business that has not accepted the MM terms.</summary>
    public bool NotOnboarded { get; set; }

    /// <summary>The webhooks that follow accepted sends; none are sent unless a URL or a file is set.</summary>
    public Webhooks.EmulatorWebhookOptions Webhooks { get; set; } = new();

    /// <summary>How many requests are kept for inspection (the oldest go first); counters are kept for all.</summary>
    public int MaxRecordedRequests { get; set; } = 10_000;
}
