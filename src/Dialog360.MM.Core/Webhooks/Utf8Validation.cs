using System.Runtime.CompilerServices;
using System.Text;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// Utf8JsonReader does not check the bytes inside strings; GetString throws on them later. Deliveries are checked
/// whole before they are parsed (reader) or stored (receiver), so one bad one is refused rather than ending a read.
/// </summary>
internal static class Utf8Validation
{
    // The runtime's decoder is vectorised on .NET (Core); a throwing fallback is the only netstandard2.0 way to ask.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [MethodImpl(JitHints.AggressiveOptimization)]
    public static bool IsValid(byte[] bytes, int offset, int count)
    {
        try
        {
            Strict.GetCharCount(bytes, offset, count);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
