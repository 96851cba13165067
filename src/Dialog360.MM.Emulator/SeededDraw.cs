using System;

namespace Dialog360.MM.Emulator;

/// <summary>
/// Repeatable random numbers keyed by what is being decided (seed, recipient, attempt, purpose) rather than by the
/// order of calls, so concurrent senders get the same outcomes in every run with the same seed.
/// </summary>
internal static class SeededDraw
{
    /// <summary>A number in [0, 1) that depends only on the arguments.</summary>
    public static double Unit(int seed, string key, int index, int purpose)
    {
        // FNV-1a over the key, then SplitMix64's finaliser to spread the bits.
        var h = 14695981039346656037UL;
        foreach (var c in key) h = (h ^ c) * 1099511628211UL;
        h ^= (ulong)(uint)seed << 32 | (uint)index;
        h += (ulong)purpose * 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>A seed for a run that was given none.</summary>
    public static int NewSeed() => Guid.NewGuid().GetHashCode() & int.MaxValue;
}
