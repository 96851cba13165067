using System;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>
/// The managed identity of an Azure Automation account (or App Service, Functions): a token for Azure Storage from the
/// sandbox's identity endpoint. <c>IDENTITY_ENDPOINT</c> with the header <c>X-IDENTITY-HEADER: IDENTITY_HEADER</c>
/// (api-version 2019-08-01), or on older sandboxes <c>MSI_ENDPOINT</c> with <c>Metadata: true</c> (api-version
/// 2017-09-01); both answer <c>{"access_token","expires_on"}</c> (Microsoft, "Use a managed identity in Azure
/// Automation"; docs/reference/mm-api.md). Its own code rather than Azure.Identity, which would bring MSAL and a
/// dozen assemblies for one GET. Tokens are kept until five minutes before they expire.
/// </summary>
internal sealed class IdentityEndpointCredential : TokenCredential
{
    private const string Resource = "https://storage.azure.com/";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly Func<string, string?> _environment;
    private readonly object _gate = new();
    private AccessToken? _token;

    public IdentityEndpointCredential(Func<string, string?>? environment = null) =>
        _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Whether this process has an identity endpoint to ask.</summary>
    public bool IsAvailable => !string.IsNullOrEmpty(_environment("IDENTITY_ENDPOINT")) || !string.IsNullOrEmpty(_environment("MSI_ENDPOINT"));

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_gate)
            if (_token is { } cached && cached.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5)) return cached;
        var token = await RequestAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate) _token = token;
        return token;
    }

    private async Task<AccessToken> RequestAsync(CancellationToken cancellationToken)
    {
        var endpoint = _environment("IDENTITY_ENDPOINT");
        var header = _environment("IDENTITY_HEADER");
        HttpRequestMessage request;
        if (!string.IsNullOrEmpty(endpoint) && !string.IsNullOrEmpty(header))
        {
            request = new HttpRequestMessage(HttpMethod.Get, $"{endpoint}?resource={Uri.EscapeDataString(Resource)}&api-version=2019-08-01");
            request.Headers.Add("X-IDENTITY-HEADER", header);
        }
        else if (_environment("MSI_ENDPOINT") is { Length: > 0 } msi)
        {
            request = new HttpRequestMessage(HttpMethod.Get, $"{msi}?resource={Uri.EscapeDataString(Resource)}&api-version=2017-09-01");
            request.Headers.Add("Metadata", "true");
        }
        else
        {
            throw new StateUnavailableException("No managed identity here: neither IDENTITY_ENDPOINT and IDENTITY_HEADER nor MSI_ENDPOINT is set. " +
                "In Azure Automation, turn on the account's system-assigned identity; elsewhere give a connection string or a SAS.");
        }
        using (request)
        {
            HttpResponseMessage response;
            try { response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false); }
            catch (HttpRequestException ex)
            {
                throw new StateUnavailableException($"The managed identity endpoint could not be reached: {ex.Message}", ex);
            }
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new StateUnavailableException($"The managed identity endpoint answered {(int)response.StatusCode}: {Shorten(body)} " +
                        "Check that the identity is on and has the Storage Blob Data Contributor role on the storage account.");
                return Parse(body);
            }
        }
    }

    private static AccessToken Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var token = root.GetProperty("access_token").GetString() ?? throw new FormatException("no access_token");
            var expires = root.TryGetProperty("expires_on", out var e)
                ? e.ValueKind == JsonValueKind.Number ? e.GetInt64() : long.Parse(e.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
                : DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
            return new AccessToken(token, DateTimeOffset.FromUnixTimeSeconds(expires));
        }
        catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is System.Collections.Generic.KeyNotFoundException || ex is InvalidOperationException)
        {
            throw new StateUnavailableException("The managed identity endpoint's answer is not a token.", ex);
        }
    }

    // An error body may quote the request; a token is never in one, but keep messages short.
    private static string Shorten(string text) => text.Length <= 200 ? text : text.Substring(0, 200) + "…";
}
