using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Http;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1, the shared base of the API emulator and the webhook receiver, that a flood
/// of connections cannot exhaust: at most <see cref="LoopbackServerLimits.MaxConnections"/> are open at once (more
/// get 503 and are closed by the accept loop, unread), and each must send its headers within the header timeout and
/// its body within the body timeout, or it is closed. Waiting costs no thread: every read and write is asynchronous.
/// Our own rather than HttpListener, which accepts any number of connections and waits for their headers with no
/// limit before code sees them; and rather than Kestrel 2.3 (the last for netstandard2.0), which would add some
/// twenty assemblies to the module for one loopback endpoint. A socket on 127.0.0.1 also needs no URL reservation
/// on Windows, where HttpListener's http.sys does.
/// </summary>
internal sealed class LoopbackHttpServer
{
    private const int Backlog = 512;
    private const int DrainBytes = 64 * 1024;
    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Func<LoopbackRequest, Task<LoopbackResponse>> _handle;
    private readonly LoopbackServerLimits _limits;
    private readonly Action<int, string>? _refused;
    private readonly ConcurrentDictionary<HttpConnection, byte> _connections = new();
    private readonly byte[] _overloaded;
    private readonly byte[] _scratch = new byte[4096];
    private int _open;
    private Socket? _listener;
    private Task? _loop;

    /// <param name="handle">Answers one request whose body has been read in full.</param>
    /// <param name="limits">Connections, time and bytes a client may hold (defaults when null).</param>
    /// <param name="refused">Told each time a connection or request is refused before <paramref name="handle"/> sees
    /// it: the status it got (408 also for a connection closed without a request) and why.</param>
    public LoopbackHttpServer(Func<LoopbackRequest, Task<LoopbackResponse>> handle, LoopbackServerLimits? limits = null, Action<int, string>? refused = null)
    {
        _handle = handle ?? throw new ArgumentNullException(nameof(handle));
        _limits = limits ?? new LoopbackServerLimits();
        if (_limits.MaxConnections < 1) throw new ArgumentException("MaxConnections must be at least 1.", nameof(limits));
        if (_limits.HeaderTimeout <= TimeSpan.Zero || _limits.BodyTimeout <= TimeSpan.Zero || _limits.KeepAliveTimeout <= TimeSpan.Zero)
            throw new ArgumentException("The timeouts must be positive.", nameof(limits));
        _refused = refused;
        var reason = Encoding.UTF8.GetBytes(OverloadedReason);
        var head = Encoding.ASCII.GetBytes("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n" +
                                           $"Content-Length: {reason.Length}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n");
        _overloaded = new byte[head.Length + reason.Length];
        Buffer.BlockCopy(head, 0, _overloaded, 0, head.Length);
        Buffer.BlockCopy(reason, 0, _overloaded, head.Length, reason.Length);
    }

    public int Port { get; private set; }
    public bool IsListening => Volatile.Read(ref _listener) != null;

    /// <summary>Connections accepted and not yet closed (at most <see cref="LoopbackServerLimits.MaxConnections"/>).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    private string OverloadedReason => $"more than {_limits.MaxConnections} connections open; connection closed";

    /// <summary>Listens on <paramref name="port"/>, or on a free port when it is 0.</summary>
    /// <exception cref="InvalidOperationException">Already running, or the port cannot be listened on.</exception>
    public void Start(int port, string name)
    {
        if (_listener != null) throw new InvalidOperationException($"The {name} is already running.");
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Windows lets another socket share a port with SO_REUSEADDR unless this one claims it exclusively.
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) listener.ExclusiveAddressUse = true;
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(Backlog);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new InvalidOperationException($"The {name} could not listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _listener = listener;
        _loop = Task.Run(() => AcceptLoopAsync(listener));
    }

    /// <summary>Stops listening and closes every open connection; a request being handled finishes on a closed connection.</summary>
    public void Stop()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is null) return;
        listener.Dispose();
        try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        foreach (var connection in _connections.Keys) connection.Close();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception) when (Volatile.Read(ref _listener) != listener)
            {
                return; // stopped
            }
            catch (Exception ex) when (ex is SocketException || ex is IOException)
            {
                // Out of file descriptors, say: back off rather than spin; the connection waits in the backlog.
                await Task.Delay(AcceptBackoff).ConfigureAwait(false);
                continue;
            }
            if (Interlocked.Increment(ref _open) > _limits.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                Refuse(client);
                continue;
            }
            var connection = new HttpConnection(client, _limits, Port);
            _connections[connection] = 0;
            _ = Task.Run(() => ServeAsync(client, connection));
        }
    }

    /// <summary>Over the cap: a canned 503, written without waiting, and the connection closed at once.</summary>
    private void Refuse(Socket client)
    {
        _refused?.Invoke(503, OverloadedReason);
        try
        {
            client.Blocking = false;
            // What already came is read first: closing with unread bytes resets the connection, and the client might
            // lose the answer before it reads it.
            for (var drained = 0; drained < DrainBytes && client.Available > 0;)
                drained += client.Receive(_scratch, 0, Math.Min(client.Available, _scratch.Length), SocketFlags.None);
            client.Send(_overloaded, 0, _overloaded.Length, SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Its send buffer is full or it is gone: closing is all it gets.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task ServeAsync(Socket client, HttpConnection connection)
    {
        try
        {
            client.NoDelay = true;
            while (true)
            {
                (LoopbackRequest Request, bool KeepAlive)? next;
                try
                {
                    next = await connection.ReadRequestAsync().ConfigureAwait(false);
                }
                catch (HttpRefusal refusal)
                {
                    _refused?.Invoke(refusal.Status, refusal.Message);
                    await connection.RefuseAsync(refusal).ConfigureAwait(false);
                    return;
                }
                if (next is null) return;
                var (request, keepAlive) = next.Value;

                LoopbackResponse response;
                try
                {
                    response = await _handle(request).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // A handler's bug must not end the server: this client gets a 500 and its connection closes.
                    response = LoopbackResponse.Text(500, "internal error: " + ex.GetType().Name);
                    response.CloseConnection = true;
                }
                keepAlive &= !response.CloseConnection && !response.BreakOff;
                await connection.WriteAsync(response, keepAlive, omitBody: request.Method == "HEAD").ConfigureAwait(false);
                if (!keepAlive) return;
            }
        }
        catch (Exception ex) when (ex is SocketException || ex is ObjectDisposedException || ex is IOException || ex is TimeoutException)
        {
            // The client hung up, did not take its answer in time, or the server is stopping.
        }
        finally
        {
            connection.Close();
            _connections.TryRemove(connection, out _);
            Interlocked.Decrement(ref _open);
        }
    }
}
