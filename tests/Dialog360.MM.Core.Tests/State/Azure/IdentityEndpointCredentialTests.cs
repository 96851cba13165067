using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Dialog360.MM.Core.State;
using Dialog360.MM.Storage.Azure;

namespace Dialog360.MM.Core.Tests.State.Azure;

/// <summary>
/// The managed identity as an Azure Automation sandbox offers it: an endpoint on loopback that answers what the
/// sandbox's does (Microsoft, "Use a managed identity in Azure Automation"), asked the way the sandbox requires.
/// </summary>
public sealed class IdentityEndpointCredentialTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpListenerRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private int _status = 200;
    private string _body = "";

    public IdentityEndpointCredentialTests()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}/msi/token";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(Serve);
    }

    private string Endpoint { get; }

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            _requests.Enqueue(context.Request);
            var bytes = Encoding.UTF8.GetBytes(_body);
            context.Response.StatusCode = _status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private static TokenRequestContext Storage => new(new[] { "https://storage.azure.com/.default" });

    [Fact]
    public void The_automation_sandbox_endpoint_is_asked_with_its_header_for_a_storage_token_and_the_token_is_kept()
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        _body = $"{{\"access_token\":\"token-1\",\"expires_on\":\"{expires}\",\"resource\":\"https://storage.azure.com/\",\"token_type\":\"Bearer\"}}";
        var credential = new IdentityEndpointCredential(Environment(("IDENTITY_ENDPOINT", Endpoint), ("IDENTITY_HEADER", "secret-header")));
        Assert.True(credential.IsAvailable);

        var token = credential.GetToken(Storage, CancellationToken.None);
        var again = credential.GetToken(Storage, CancellationToken.None);

        Assert.Equal("token-1", token.Token);
        Assert.Equal(expires, token.ExpiresOn.ToUnixTimeSeconds());
        Assert.Equal(token.Token, again.Token);
        var request = Assert.Single(_requests); // the second call was answered from the kept token
        Assert.Equal("secret-header", request.Headers["X-IDENTITY-HEADER"]);
        Assert.Equal("https://storage.azure.com/", request.QueryString["resource"]);
        Assert.Equal("2019-08-01", request.QueryString["api-version"]);
    }

    [Fact]
    public void An_older_sandbox_is_asked_at_MSI_ENDPOINT_with_Metadata_true()
    {
        _body = $"{{\"access_token\":\"token-2\",\"expires_on\":{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}";
        var credential = new IdentityEndpointCredential(Environment(("MSI_ENDPOINT", Endpoint)));

        Assert.Equal("token-2", credential.GetToken(Storage, CancellationToken.None).Token);
        var request = Assert.Single(_requests);
        Assert.Equal("true", request.Headers["Metadata"]);
        Assert.Equal("2017-09-01", request.QueryString["api-version"]);
    }

    [Fact]
    public void A_refusal_says_which_role_the_identity_needs()
    {
        _status = 400;
        _body = "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}";
        var credential = new IdentityEndpointCredential(Environment(("IDENTITY_ENDPOINT", Endpoint), ("IDENTITY_HEADER", "h")));
        var error = Assert.Throws<StateUnavailableException>(() => credential.GetToken(Storage, CancellationToken.None));
        Assert.Contains("400", error.Message);
        Assert.Contains("Storage Blob Data Contributor", error.Message);
    }

    [Fact]
    public void Outside_a_sandbox_there_is_no_identity_and_the_error_says_what_to_use_instead()
    {
        var credential = new IdentityEndpointCredential(Environment());
        Assert.False(credential.IsAvailable);
        var error = Assert.Throws<StateUnavailableException>(() => credential.GetToken(Storage, CancellationToken.None));
        Assert.Contains("system-assigned identity", error.Message);
        Assert.Contains("connection string or a SAS", error.Message);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var table = new Dictionary<string, string>();
        foreach (var (name, value) in variables) table[name] = value;
        return name => table.TryGetValue(name, out var value) ? value : null;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
