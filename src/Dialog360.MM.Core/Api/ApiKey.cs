using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// A 360dialog API key held as a <see cref="SecureString"/>. Only the last four characters are ever shown;
/// the plain text exists just long enough to set one request header.
/// </summary>
public sealed class ApiKey : IDisposable
{
    private readonly SecureString _secret;

    public ApiKey(SecureString secret)
    {
        if (secret is null) throw new ArgumentNullException(nameof(secret));
        if (secret.Length == 0) throw new ArgumentException("The API key is empty.", nameof(secret));
        _secret = secret.Copy();
        _secret.MakeReadOnly();
        Hint = ComputeHint();
    }

    /// <summary>The last four characters, for telling keys apart in tables and messages.</summary>
    public string Hint { get; }

    public static ApiKey FromPlainText(string key)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("The API key is empty.", nameof(key));
        using var secure = new SecureString();
        foreach (var c in key) secure.AppendChar(c);
        return new ApiKey(secure);
    }

    /// <summary>The plain key, for the request header only. Never log, format or store the result.</summary>
    internal string Reveal()
    {
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(_secret);
        try { return Marshal.PtrToStringUni(ptr) ?? string.Empty; }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
    }

    private string ComputeHint()
    {
        var plain = Reveal();
        return plain.Length <= 4 ? new string('*', plain.Length) : plain.Substring(plain.Length - 4);
    }

    public override string ToString() => "****" + Hint;

    public void Dispose() => _secret.Dispose();
}
