using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// One string per distinct value for the values a webhook file repeats on nearly every event (business ids, the
/// change field, callback data, error titles): a campaign's file has a handful of each, so a small direct-mapped
/// cache turns hundreds of thousands of equal strings into a few. Unique values (message ids) do not go through it.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int SlotBits = 6;
    private const int Slots = 1 << SlotBits;
    private const int LongestPooled = 256;
    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string?[] _strings = new string[Slots];

    [MethodImpl(JitHints.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > LongestPooled) return Decode(utf8);
        var slot = Slot(utf8);
        var known = _bytes[slot];
        if (known != null && utf8.SequenceEqual(known)) return _strings[slot]!;
        var value = Decode(utf8);
        // A collision replaces the older value: the cache stays small and the commonest values win back their slot.
        _bytes[slot] = utf8.ToArray();
        _strings[slot] = value;
        return value;
    }

    /// <summary>
    /// The length and the first and last eight bytes pick the slot: values that repeat differ there (campaign tags end in
    /// their wave, ids in their digits), and a collision only costs a miss, since the bytes are compared before use.
    /// </summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        ulong head = 0, tail = 0;
        if (utf8.Length >= 8)
        {
            head = MemoryMarshal.Read<ulong>(utf8);
            tail = MemoryMarshal.Read<ulong>(utf8.Slice(utf8.Length - 8));
        }
        else
        {
            foreach (var b in utf8) head = (head << 8) | b;
        }
        var hash = ((head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length) * 0x9E3779B97F4A7C15UL;
        return (int)(hash >> (64 - SlotBits));
    }

    // Only on a miss, which is rare for the values pooled.
    private static string Decode(ReadOnlySpan<byte> utf8) => JsonScanner.Decode(utf8);
}
