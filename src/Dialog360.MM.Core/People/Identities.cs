using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.People;

/// <summary>
/// Who is who: the keys known to name one person (a number's key, BSUIDs, a parent BSUID, a BSUID that replaced
/// another), joined as the module learns pairs from send answers, webhooks and stored state. "Same person" questions
/// are answered here only: the journal, the suppression list and the gate ask for a person's <see cref="KeysOf"/>.
/// Thread-safe: the engine's workers learn from answers while the pipeline thread asks.
/// </summary>
public sealed class Identities
{
    private readonly object _gate = new();
    // Disjoint sets: each key points towards its set's root; each root lists its set's keys.
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _members = new(StringComparer.Ordinal);

    /// <summary>Keys that name someone together with at least one other key.</summary>
    public int Count { get { lock (_gate) return _parent.Count; } }

    /// <summary>Learns that these keys name one person; true when that was news.</summary>
    public bool Learn(IdentityPair pair)
    {
        var keys = pair.Keys;
        var news = false;
        lock (_gate)
            for (var i = 1; i < keys.Count; i++) news |= Join(keys[0], keys[i]);
        return news;
    }

    /// <summary>Every key known for the person: its own, and all that were learned to name the same person.</summary>
    public IReadOnlyList<string> KeysOf(Person person)
    {
        var keys = new List<string>(4);
        lock (_gate)
        {
            foreach (var key in person.Keys)
            {
                if (keys.Contains(key)) continue;
                if (_parent.ContainsKey(key))
                {
                    foreach (var member in _members[Root(key)])
                        if (!keys.Contains(member)) keys.Add(member);
                }
                else keys.Add(key);
            }
        }
        return keys;
    }

    /// <summary>Whether two keys are known to name the same person.</summary>
    public bool Same(string a, string b)
    {
        if (a == b) return true;
        lock (_gate) return _parent.ContainsKey(a) && _parent.ContainsKey(b) && Root(a) == Root(b);
    }

    private bool Join(string a, string b)
    {
        if (a == b) return false;
        var ra = Enter(a);
        var rb = Enter(b);
        if (ra == rb) return false;
        var (small, large) = _members[ra].Count < _members[rb].Count ? (ra, rb) : (rb, ra);
        _parent[small] = large;
        _members[large].AddRange(_members[small]);
        _members.Remove(small);
        return true;
    }

    private string Enter(string key)
    {
        if (_parent.ContainsKey(key)) return Root(key);
        _parent[key] = key;
        _members[key] = new List<string> { key };
        return key;
    }

    private string Root(string key)
    {
        var root = key;
        while (_parent[root] != root) root = _parent[root];
        // Path compression: later look-ups of these keys take one step.
        while (key != root)
        {
            var next = _parent[key];
            _parent[key] = root;
            key = next;
        }
        return root;
    }
}

/// <summary>
/// Keys that name one person, as one source gave them: a send answer (the input, its wa_id and user_id), a status or
/// inbound message (wa_id or recipient_id with user_id and parent_user_id), an opt-out, or a system message saying a
/// BSUID replaced another.
/// </summary>
public sealed class IdentityPair
{
    public IdentityPair(string? phone, string? userId, string? parentUserId = null, string? previousUserId = null, string? waId = null)
    {
        Phone = string.IsNullOrEmpty(phone) ? null : phone;
        UserId = string.IsNullOrEmpty(userId) ? null : userId;
        ParentUserId = string.IsNullOrEmpty(parentUserId) ? null : parentUserId;
        PreviousUserId = string.IsNullOrEmpty(previousUserId) ? null : previousUserId;
        WaId = string.IsNullOrEmpty(waId) || waId == Phone ? null : waId;
    }

    /// <summary>The number, in digits.</summary>
    public string? Phone { get; }
    public string? UserId { get; }
    public string? ParentUserId { get; }
    /// <summary>The BSUID this one replaced (a user_changed_user_id system message).</summary>
    public string? PreviousUserId { get; }
    /// <summary>The number as WhatsApp knows it, when a send answer gives another form than the one sent.</summary>
    public string? WaId { get; }

    /// <summary>The keys named, in the form <see cref="Person.Keys"/> uses.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            var keys = new List<string>(5);
            if (Phone != null) keys.Add(PhoneKey.Of(Phone));
            if (WaId != null) keys.Add(PhoneKey.Of(WaId));
            if (UserId != null) keys.Add(UserId);
            if (ParentUserId != null) keys.Add(ParentUserId);
            if (PreviousUserId != null) keys.Add(PreviousUserId);
            return keys;
        }
    }

    /// <summary>Two distinct keys or more: something to learn.</summary>
    public bool IsPair
    {
        get
        {
            var keys = Keys;
            for (var i = 1; i < keys.Count; i++) if (keys[i] != keys[0]) return true;
            return false;
        }
    }

    public override string ToString() => string.Join(" = ", Keys);
}
