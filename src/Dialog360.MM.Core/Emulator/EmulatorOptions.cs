using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Emulator;

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

    /// <summary>Recipients (digits only) whose sends fail with this Graph error code, e.g. 131050 (stopped marketing).</summary>
    public IDictionary<string, int> FailRecipients { get; set; } = new Dictionary<string, int>();

    /// <summary>
    /// Faults for the first sends to a recipient, one per request, in order: 429 (rate limited, with Retry-After: 1),
    /// 503 (service unavailable) or 0 (the message is accepted, then the connection drops without an answer).
    /// Once a recipient's faults are used up, its sends are answered normally.
    /// </summary>
    public IDictionary<string, Queue<int>> Faults { get; set; } = new Dictionary<string, Queue<int>>();

    /// <summary>Answer the MM route as for a business that has not accepted the MM terms.</summary>
    public bool NotOnboarded { get; set; }

    /// <summary>How many requests are kept for inspection (the oldest go first); counters are kept for all.</summary>
    public int MaxRecordedRequests { get; set; } = 10_000;
}
