using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Dialog360.MM.Core.Http;

namespace Dialog360.MM.Core.Tests.Receiving;

/// <summary>The server the receiver and the emulator share, with limits of its own.</summary>
public sealed class LoopbackHttpServerTests
{
    /// <summary>One answer: the head, then as many body bytes as its Content-Length says; "" when the server closed.</summary>
    private static string ReadAnswer(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[1];
        while (!received.ToString().Contains("\r\n\r\n"))
        {
            if (socket.Receive(buffer) == 0) return received.ToString();
            received.Append((char)buffer[0]);
        }
        var head = received.ToString();
        var at = head.IndexOf("Content-Length: ", StringComparison.Ordinal) + "Content-Length: ".Length;
        var length = int.Parse(head.Substring(at, head.IndexOf('\r', at) - at));
        for (var i = 0; i < length && socket.Receive(buffer) == 1; i++) received.Append((char)buffer[0]);
        return received.ToString();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_kept_alive_connection_waits_the_keep_alive_timeout_for_its_next_request_then_closes_quietly()
    {
        var server = new LoopbackHttpServer(request => Task.FromResult(LoopbackResponse.Text(200, request.Method)),
            new LoopbackServerLimits { HeaderTimeout = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.FromSeconds(3) });
        server.Start(0, "test server");
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
            socket.Connect(IPAddress.Loopback, server.Port);
            socket.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            Assert.EndsWith("\r\n\r\nGET", ReadAnswer(socket));

            // Idle for longer than the header timeout but within the keep-alive wait: the next request is answered.
            await Task.Delay(1500);
            socket.Send(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
            Assert.EndsWith("\r\n\r\nPOST", ReadAnswer(socket));

            // Idle past the keep-alive wait: closed without a word.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal("", ReadAnswer(socket));
            Assert.InRange(watch.Elapsed.TotalSeconds, 2.5, 8);
            // Counted out just after the close.
            for (var i = 0; i < 100 && server.OpenConnections > 0; i++) await Task.Delay(20);
            Assert.Equal(0, server.OpenConnections);
        }
        finally
        {
            server.Stop();
        }
    }
}
