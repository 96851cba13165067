using System.Runtime.CompilerServices;

namespace Dialog360.MM.Core;

/// <summary>
/// Tiered JIT first runs new code unoptimised and recompiles it only after ~30 calls and a quiet spell of 100 ms,
/// which in a fresh process never comes while a large file is being read: the first read of a webhook file ran at
/// a third of its later speed. Methods on the read path therefore ask for optimised code at once.
/// </summary>
internal static class JitHints
{
    /// <summary>MethodImplOptions.AggressiveOptimization (.NET Core 3.0+), which netstandard2.0 does not name; .NET Framework ignores it.</summary>
    public const MethodImplOptions AggressiveOptimization = (MethodImplOptions)512;
}
