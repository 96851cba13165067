using System;
using System.Runtime.InteropServices;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// The key as the D360-API-KEY header value: one string per ApiClient, set once on its HttpClient, pinned so the
/// garbage collector never moves (and so never leaves behind) a copy of it, and overwritten with zeros on Dispose.
/// </summary>
/// <remarks>
/// What this achieves: the process holds one managed copy of the key per connected account, not one per request,
/// and that copy is gone (zeros) once the account's client is disposed (Disconnect-MMAccount, Remove-Module).
/// What it cannot do: HttpClient encodes the header into each connection's write buffer (bytes we cannot reach;
/// they are reused and overwritten by later requests), Windows PowerShell's handler may copy header strings per
/// request, and anything that reads process memory while the account is connected can read the key.
/// Overwriting a string is normally forbidden; it is sound here because this string is never interned, never
/// shared outside the HttpClient it was made for, and only zeroed after that HttpClient is disposed.
/// </remarks>
internal sealed class KeyHeaderValue : IDisposable
{
    private GCHandle _pin;

    private KeyHeaderValue(string value)
    {
        Value = value;
        _pin = GCHandle.Alloc(value, GCHandleType.Pinned);
    }

    /// <summary>The plain key. Give it to the HttpClient's default headers only; never log, format or copy it.</summary>
    public string Value { get; }

    /// <summary>Copies <paramref name="length"/> UTF-16 characters from unmanaged memory into a fresh pinned string.</summary>
    public static KeyHeaderValue CopyFrom(IntPtr plain, int length)
    {
        // new string(char, n) always allocates a new, uninterned string; it is pinned before the key is written in.
        var header = new KeyHeaderValue(new string('\0', length));
        var chars = header.Writable();
        for (var i = 0; i < length; i++) chars[i] = ApiKey.CharAt(plain, i);
        return header;
    }

    private Span<char> Writable() => MemoryMarshal.AsMemory(Value.AsMemory()).Span;

    public void Dispose()
    {
        if (!_pin.IsAllocated) return;
        Writable().Clear();
        _pin.Free();
    }
}
