using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Dialog360.MM.Core.Receiving;

/// <summary>
/// HMAC-SHA256 signatures of webhook bodies: Meta's X-Hub-Signature-256 ("sha256=&lt;hex&gt;") and 360dialog's
/// x-360dialog-signature, whose text encoding 360dialog does not document, so hex (either case) and base64 are both
/// accepted, with or without "sha256=" (../docs/reference/mm-api.md, Signatures).
/// </summary>
public static class WebhookSignature
{
    public const string MetaHeader = "X-Hub-Signature-256";
    public const string Dialog360Header = "x-360dialog-signature";
    private const int DigestLength = 32;

    /// <summary>True when <paramref name="signature"/> is the HMAC-SHA256 of exactly these bytes under <paramref name="secret"/>.</summary>
    public static bool Verify(byte[] payload, string? signature, byte[] secret) =>
        Verify(payload ?? throw new ArgumentNullException(nameof(payload)), payload.Length, signature, secret);

    /// <summary>Verifies the first <paramref name="count"/> bytes of <paramref name="payload"/>.</summary>
    internal static bool Verify(byte[] payload, int count, string? signature, byte[] secret)
    {
        if (secret is null) throw new ArgumentNullException(nameof(secret));
        if (!TryDecode(signature, out var expected)) return false;
        return FixedTimeEquals(Compute(payload, count, secret), expected);
    }

    /// <summary>The digest in Meta's header form: "sha256=" and lower-case hex.</summary>
    public static string Sign(byte[] payload, byte[] secret)
    {
        var digest = Compute(payload, payload.Length, secret);
        var chars = new char[7 + DigestLength * 2];
        "sha256=".CopyTo(0, chars, 0, 7);
        for (var i = 0; i < digest.Length; i++)
        {
            chars[7 + 2 * i] = "0123456789abcdef"[digest[i] >> 4];
            chars[8 + 2 * i] = "0123456789abcdef"[digest[i] & 0xF];
        }
        return new string(chars);
    }

    /// <summary>A secret held as a SecureString, as the UTF-8 bytes HMAC keys with (the caller should clear them after use).</summary>
    public static byte[] SecretBytes(SecureString secret)
    {
        if (secret is null) throw new ArgumentNullException(nameof(secret));
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            var chars = new char[secret.Length];
            Marshal.Copy(ptr, chars, 0, chars.Length);
            try { return Encoding.UTF8.GetBytes(chars); }
            finally { Array.Clear(chars, 0, chars.Length); }
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    /// <summary>Reads a 32-byte digest from hex or base64 text, with or without "sha256="; false when it is neither.</summary>
    public static bool TryDecode(string? signature, out byte[] digest)
    {
        digest = Array.Empty<byte>();
        if (string.IsNullOrWhiteSpace(signature)) return false;
        var text = signature!.Trim();
        if (text.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) text = text.Substring(7);
        if (text.Length == DigestLength * 2 && TryHex(text, out digest)) return true;
        try
        {
            var bytes = Convert.FromBase64String(text);
            if (bytes.Length != DigestLength) return false;
            digest = bytes;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Compute(byte[] payload, int count, byte[] secret)
    {
        using var hmac = new HMACSHA256(secret);
        return hmac.ComputeHash(payload, 0, count);
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            var hi = HexValue(text[2 * i]);
            var lo = HexValue(text[2 * i + 1]);
            if (hi < 0 || lo < 0) return false;
            bytes[i] = (byte)((hi << 4) | lo);
        }
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Compares without an early exit, so the time taken does not reveal how many leading bytes matched
    /// (netstandard2.0 has no CryptographicOperations.FixedTimeEquals).
    /// </summary>
    internal static bool FixedTimeEquals(byte[] a, byte[] b)
    {
        if (a.Length != b.Length) return false;
        var difference = 0;
        for (var i = 0; i < a.Length; i++) difference |= a[i] ^ b[i];
        return difference == 0;
    }
}
