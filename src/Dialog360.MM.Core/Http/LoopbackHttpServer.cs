using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Http;

/// <summary>
/// An HttpListener on 127.0.0.1 that hands each request to a handler on the thread pool: the shared base of the
/// API emulator and the webhook receiver.
/// </summary>
internal sealed class LoopbackHttpServer
{
    private readonly Func<HttpListenerContext, Task> _handle;
    private HttpListener? _listener;
    private Task? _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle) => _handle = handle;

    public int Port { get; private set; }
    public bool IsListening => _listener?.IsListening == true;

    /// <summary>Listens on <paramref name="port"/>, or on a free port when it is 0.</summary>
    /// <exception cref="InvalidOperationException">Already running, or the port cannot be listened on.</exception>
    public void Start(int port, string name)
    {
        if (_listener != null) throw new InvalidOperationException($"The {name} is already running.");
        var attempts = port == 0 ? 5 : 1;
        for (var i = 1; ; i++)
        {
            var candidate = port == 0 ? FreeLoopbackPort() : port;
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{candidate}/");
            try
            {
                listener.Start();
                _listener = listener;
                Port = candidate;
                break;
            }
            catch (HttpListenerException) when (i < attempts)
            {
                // Another process took the free port between probing and binding: probe again.
                listener.Close();
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                throw new InvalidOperationException($"The {name} could not listen on 127.0.0.1:{candidate}: {ex.Message}", ex);
            }
        }
        _loop = Task.Run(AcceptLoopAsync);
    }

    public void Stop()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is null) return;
        try { listener.Stop(); } catch (ObjectDisposedException) { }
        listener.Close();
        try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }

    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try { return ((IPEndPoint)probe.LocalEndpoint).Port; }
        finally { probe.Stop(); }
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener;
        while (listener is { IsListening: true })
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                return; // stopped
            }
            _ = Task.Run(() => _handle(context));
        }
    }
}
