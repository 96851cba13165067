using System;
using System.Collections.Generic;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Who stopped marketing messages (user_preferences webhooks), per person: the latest stop or resume wins, whatever
/// the order the deliveries came in (a tie goes to stop). A person is their BSUID when the event names one, else their
/// number; a number some event paired with a BSUID counts as that BSUID, so one person is counted once.
/// </summary>
internal sealed class OptOutTally
{
    private readonly Dictionary<string, Preference> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _userIdOfNumber = new(StringComparer.Ordinal);

    public void Add(MMUserPreferenceEvent e)
    {
        if (e.Category != "marketing_messages" || (e.Value != "stop" && e.Value != "resume")) return;
        var number = string.IsNullOrEmpty(e.WaId) ? null : e.WaId!.TrimStart('+');
        var userId = string.IsNullOrEmpty(e.UserId) ? null : e.UserId;
        if (number != null && userId != null && !_userIdOfNumber.ContainsKey(number)) _userIdOfNumber.Add(number, userId);
        var key = userId ?? (number is null ? null : "+" + number);
        if (key is null) return;
        Record(_latest, key, new Preference(e.Timestamp?.ToUnixTimeSeconds() ?? 0, e.Value == "stop"));
    }

    /// <summary>Takes what a funnel of another part of the input saw (order-free, like the rest of the fold).</summary>
    public void MergeFrom(OptOutTally other)
    {
        foreach (var pair in other._userIdOfNumber)
            if (!_userIdOfNumber.ContainsKey(pair.Key)) _userIdOfNumber.Add(pair.Key, pair.Value);
        foreach (var entry in other._latest) Record(_latest, entry.Key, entry.Value);
    }

    /// <summary>People whose latest preference is stop, and people whose latest is resume.</summary>
    public (int Stopped, int Resumed) Count()
    {
        var people = new Dictionary<string, Preference>(StringComparer.Ordinal);
        foreach (var entry in _latest)
        {
            var key = entry.Key;
            if (key[0] == '+' && _userIdOfNumber.TryGetValue(key.Substring(1), out var userId)) key = userId;
            Record(people, key, entry.Value);
        }
        int stopped = 0, resumed = 0;
        foreach (var p in people.Values)
        {
            if (p.Stop) stopped++;
            else resumed++;
        }
        return (stopped, resumed);
    }

    private static void Record(Dictionary<string, Preference> into, string key, Preference p)
    {
        if (!into.TryGetValue(key, out var seen) || p.At > seen.At || (p.At == seen.At && p.Stop && !seen.Stop)) into[key] = p;
    }

    private readonly struct Preference
    {
        public Preference(long at, bool stop)
        {
            At = at;
            Stop = stop;
        }

        public long At { get; }
        public bool Stop { get; }
    }
}
