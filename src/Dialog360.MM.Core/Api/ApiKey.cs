using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// A 360dialog API key held as a <see cref="SecureString"/>. At most the last four characters are ever shown.
/// The plain text exists once per <see cref="ApiClient"/>, as its <see cref="KeyHeaderValue"/> (see there for what
/// that does and does not protect).
/// </summary>
public sealed class ApiKey : IDisposable
{
    /// <summary>Keys shorter than this show no characters at all: four of a short key give too much of it away.</summary>
    public const int MinLengthForHint = 12;

    private readonly SecureString _secret;

    /// <exception cref="ArgumentException">The key is empty or holds a control character (CR, LF, any below U+0020, DEL).</exception>
    public ApiKey(SecureString secret)
    {
        if (secret is null) throw new ArgumentNullException(nameof(secret));
        if (secret.Length == 0) throw new ArgumentException("The API key is empty.", nameof(secret));
        _secret = secret.Copy();
        _secret.MakeReadOnly();
        Hint = ReadOnce(ValidateAndHint);
        AccountId = ReadOnce(HashOf);
    }

    /// <summary>
    /// Tells accounts apart without the key: "h:" and the first 16 hex digits of an HMAC-SHA256 of the key, keyed with
    /// a constant of the module. Two keys that end alike get different ids; the id does not give the key away.
    /// </summary>
    public string AccountId { get; }

    /// <summary>The last four characters, for telling keys apart in tables and messages; "****" for a short key.</summary>
    public string Hint { get; }

    public static ApiKey FromPlainText(string key)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("The API key is empty.", nameof(key));
        using var secure = new SecureString();
        foreach (var c in key) secure.AppendChar(c);
        return new ApiKey(secure);
    }

    /// <summary>The one plain copy an ApiClient sends as its header; the caller disposes it with the client.</summary>
    internal KeyHeaderValue CreateHeaderValue() => ReadOnce(KeyHeaderValue.CopyFrom);

    /// <summary>Runs <paramref name="read"/> over an unmanaged copy of the key that is zeroed and freed right after.</summary>
    private T ReadOnce<T>(Func<IntPtr, int, T> read)
    {
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(_secret);
        try { return read(ptr, _secret.Length); }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
    }

    // Reads characters one at a time from the unmanaged copy, so no managed string of the whole key is made here.
    private static string ValidateAndHint(IntPtr ptr, int length)
    {
        for (var i = 0; i < length; i++)
        {
            var c = CharAt(ptr, i);
            // A CR or LF would end the D360-API-KEY header and start another one (header injection); other
            // control characters are never part of a 360dialog key and only come from a bad copy or file.
            if (c < 0x20 || c == 0x7F)
                throw new ArgumentException(
                    $"The API key has a control character (U+{(int)c:X4}) at position {i + 1} of {length}: it was probably copied with a line break or tab. " +
                    "Copy the key again from the 360dialog Client Hub, or trim what you read from a file or variable, e.g. (Get-Content key.txt -Raw).Trim().",
                    "ApiKey");
        }
        if (length < MinLengthForHint) return "****";
        var hint = new char[4];
        for (var i = 0; i < 4; i++) hint[i] = CharAt(ptr, length - 4 + i);
        return new string(hint);
    }

    private static readonly byte[] AccountIdSalt = System.Text.Encoding.UTF8.GetBytes("Dialog360.MM account id v1");

    // The key's UTF-16 bytes are copied once into a buffer that is zeroed as soon as the hash is made.
    private static string HashOf(IntPtr ptr, int length)
    {
        var bytes = new byte[length * sizeof(char)];
        try
        {
            Marshal.Copy(ptr, bytes, 0, bytes.Length);
            using var hmac = new System.Security.Cryptography.HMACSHA256(AccountIdSalt);
            var hash = hmac.ComputeHash(bytes);
            var id = new System.Text.StringBuilder("h:", 18);
            for (var i = 0; i < 8; i++) id.Append(hash[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return id.ToString();
        }
        finally
        {
            Array.Clear(bytes, 0, bytes.Length);
        }
    }

    internal static char CharAt(IntPtr ptr, int index) => (char)Marshal.ReadInt16(ptr, index * sizeof(char));

    public override string ToString() => "****" + Hint;

    public void Dispose() => _secret.Dispose();
}
