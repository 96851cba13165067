using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// One string per distinct value for the values a webhook file repeats on nearly every event (business ids, the
/// change field, callback data, error titles): a campaign's file has a handful of each, so a small direct-mapped
/// cache turns hundreds of thousands of equal strings into a few. Unique values (message ids) do not go through it.
/// </summary>
internal sealed class Utf8StringPool
{
    private const int Slots = 64; // a power of two
    private const int LongestPooled = 256;
    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string?[] _strings = new string[Slots];

    [MethodImpl(JitHints.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > LongestPooled) return Decode(utf8);
        // FNV-1a: cheap for the short values pooled here.
        var hash = 2166136261u;
        foreach (var b in utf8) hash = (hash ^ b) * 16777619u;
        var slot = (int)(hash & (Slots - 1));
        var known = _bytes[slot];
        if (known != null && utf8.SequenceEqual(known)) return _strings[slot]!;
        var value = Decode(utf8);
        // A collision replaces the older value: the cache stays small and the commonest values win back their slot.
        _bytes[slot] = utf8.ToArray();
        _strings[slot] = value;
        return value;
    }

    // Only on a miss, which is rare for the values pooled.
    private static string Decode(ReadOnlySpan<byte> utf8) => JsonScanner.Decode(utf8);
}
