using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// A JSON body that waits at a gate before it is written. The handler writes the body once the connection is open,
/// with the headers still in its buffer, so the gate decides when the request leaves, however long its connection
/// took to open. HttpContent is the only point of HttpClient that runs there; on .NET Framework the headers may
/// already have gone, but without a body no request is complete.
/// </summary>
internal sealed class GatedJsonContent : HttpContent
{
    private readonly byte[] _body;
    private readonly Func<CancellationToken, Task> _gate;
    private readonly CancellationToken _cancellationToken;

    public GatedJsonContent(byte[] body, Func<CancellationToken, Task> gate, CancellationToken cancellationToken)
    {
        _body = body;
        _gate = gate;
        _cancellationToken = cancellationToken;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    /// <summary>The gate opened at least once: the request may have left.</summary>
    public bool Opened { get; private set; }

    /// <summary>What the gate threw (a stop, a journal that cannot be written): the request did not leave.</summary>
    public Exception? GateFailure { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        // The handler writes the body again when it resends on a fresh connection: each time is a departure.
        try { await _gate(_cancellationToken).ConfigureAwait(false); }
        catch (Exception ex)
        {
            GateFailure = ex;
            throw;
        }
        Opened = true;
        await stream.WriteAsync(_body, 0, _body.Length, _cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
