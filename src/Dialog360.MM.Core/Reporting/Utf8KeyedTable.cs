using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// A hash table keyed by UTF-8 text, looked up by the bytes as they sit in a delivery: folding a webhook file looks
/// up a message id per status, and a string per lookup would be one allocation per status. Each key becomes a string
/// once, when it is added. Keys are compared ordinally, as a <c>Dictionary&lt;string, T&gt;(StringComparer.Ordinal)</c>
/// would: equal strings have equal UTF-8 bytes, and different ones different bytes as long as they are text (the
/// parser refuses half a surrogate pair, so every id it hands over is).
/// </summary>
internal sealed class Utf8KeyedTable<T> where T : class
{
    private readonly ulong _seed;
    private int[] _buckets = new int[64]; // entry index + 1; 0 is empty
    private Entry[] _entries = new Entry[64];
    private byte[] _keys = new byte[4096];
    private int _keysUsed;

    public Utf8KeyedTable()
    {
        // A seed per table: a file cannot be crafted once to make every lookup collide.
        var bytes = Guid.NewGuid().ToByteArray();
        _seed = BitConverter.ToUInt64(bytes, 0) | 1;
    }

    private struct Entry
    {
        public uint Hash;
        public int Next; // entry index + 1 of the next in the bucket; 0 ends it
        public int KeyStart;
        public int KeyLength;
        public string Key;
        public T Value;
    }

    public int Count { get; private set; }

    public string KeyAt(int index) => _entries[index].Key;

    public T ValueAt(int index) => _entries[index].Value;

    /// <summary>The key's bytes as stored: what a merge into another table looks up.</summary>
    public ReadOnlySpan<byte> KeyBytesAt(int index) => new(_keys, _entries[index].KeyStart, _entries[index].KeyLength);

    public T? Find(ReadOnlySpan<byte> key)
    {
        var i = IndexOf(key, Hash(key));
        return i < 0 ? null : _entries[i].Value;
    }

    /// <summary>Safe on several threads at once, as long as nothing is added meanwhile (Summarize's journal lookups).</summary>
    public T? Find(string key)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Find(Encode(key, buffer));
    }

    /// <summary>The value for <paramref name="key"/>, added from <paramref name="create"/> when the key is new.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public T GetOrAdd(ReadOnlySpan<byte> key, Func<T> create, string? keyText = null)
    {
        var hash = Hash(key);
        var i = IndexOf(key, hash);
        return i >= 0 ? _entries[i].Value : Add(key, hash, keyText ?? JsonScanner.Decode(key), create());
    }

    public T GetOrAdd(string key, Func<T> create)
    {
        Span<byte> buffer = stackalloc byte[256];
        return GetOrAdd(Encode(key, buffer), create, key);
    }

    [MethodImpl(JitHints.AggressiveOptimization)]
    private int IndexOf(ReadOnlySpan<byte> key, uint hash)
    {
        var i = _buckets[hash & (uint)(_buckets.Length - 1)];
        while (i != 0)
        {
            ref var e = ref _entries[i - 1];
            if (e.Hash == hash && key.SequenceEqual(new ReadOnlySpan<byte>(_keys, e.KeyStart, e.KeyLength))) return i - 1;
            i = e.Next;
        }
        return -1;
    }

    private T Add(ReadOnlySpan<byte> key, uint hash, string keyText, T value)
    {
        if (Count == _entries.Length) Grow();
        if (_keysUsed + key.Length > _keys.Length) Array.Resize(ref _keys, Math.Max(_keys.Length * 2, _keysUsed + key.Length));
        key.CopyTo(new Span<byte>(_keys, _keysUsed, key.Length));
        ref var bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        _entries[Count] = new Entry { Hash = hash, Next = bucket, KeyStart = _keysUsed, KeyLength = key.Length, Key = keyText, Value = value };
        _keysUsed += key.Length;
        bucket = ++Count;
        return value;
    }

    private void Grow()
    {
        Array.Resize(ref _entries, _entries.Length * 2);
        _buckets = new int[_entries.Length];
        for (var i = 0; i < Count; i++)
        {
            ref var bucket = ref _buckets[_entries[i].Hash & (uint)(_buckets.Length - 1)];
            _entries[i].Next = bucket;
            bucket = i + 1;
        }
    }

    /// <summary>The key's UTF-8 bytes, in <paramref name="buffer"/> when they fit (message ids do), else in an array of their own.</summary>
    private static unsafe ReadOnlySpan<byte> Encode(string key, Span<byte> buffer)
    {
        if (Encoding.UTF8.GetMaxByteCount(key.Length) > buffer.Length) return Encoding.UTF8.GetBytes(key);
        fixed (char* chars = key)
        fixed (byte* bytes = &MemoryMarshal.GetReference(buffer))
            return buffer.Slice(0, Encoding.UTF8.GetBytes(chars, key.Length, bytes, buffer.Length));
    }

    /// <summary>Eight bytes a step, each multiplied in and folded down: message ids differ anywhere along their length.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    private uint Hash(ReadOnlySpan<byte> key)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        var h = _seed ^ (ulong)key.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var w in words)
        {
            h = (h ^ w) * Multiplier;
            h ^= h >> 29;
        }
        ulong tail = 0;
        for (var i = words.Length * 8; i < key.Length; i++) tail = (tail << 8) | key[i];
        h = (h ^ tail) * Multiplier;
        h ^= h >> 32;
        return (uint)h;
    }
}
