using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// The 360dialog API for one account: one HttpClient (connection pool) shared by every request of that account,
/// safe to call from many threads at once. Each request has its own timeout so that a timeout is told apart from
/// the caller's cancellation (Ctrl+C). The client owns its <see cref="ApiKey"/> and disposes it.
/// </summary>
public sealed partial class ApiClient : IDisposable
{
    public const string KeyHeader = "D360-API-KEY";

    private readonly HttpClient _http;
    private readonly ApiKey _key;
    private readonly KeyHeaderValue _keyHeader;
    private readonly ApiClientOptions _options;

    public ApiClient(Uri baseUri, ApiKey key, ApiClientOptions? options = null)
    {
        BaseUri = NormalizeBaseUri(baseUri);
        _key = key ?? throw new ArgumentNullException(nameof(key));
        _options = options ?? new ApiClientOptions();
        var handler = new HttpClientHandler
        {
            MaxConnectionsPerServer = _options.MaxConnections,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
            // HTTP_PROXY and the system proxy are meant for leaving the machine; a proxy would receive loopback
            // traffic, key header included, in clear (http is allowed only for loopback, see NormalizeBaseUri).
            UseProxy = !BaseUri.IsLoopback,
            // The key is a default header: a redirect would carry it to wherever the answer points, and a 302 would
            // turn a send into a GET whose 200 looks like an acceptance. A 3xx is a failure instead (SendAsync).
            AllowAutoRedirect = false,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        // Set once for every request of this account: one plain copy of the key, zeroed on Dispose (KeyHeaderValue).
        _keyHeader = _key.CreateHeaderValue();
        _http.DefaultRequestHeaders.TryAddWithoutValidation(KeyHeader, _keyHeader.Value);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Always ends with '/', so relative routes append instead of replacing the last segment.</summary>
    public Uri BaseUri { get; }

    public ApiKey Key => _key;

    /// <summary>https only, except http to this machine (the emulator, a local proxy): the key must not cross a network in clear.</summary>
    public static Uri NormalizeBaseUri(Uri baseUri)
    {
        if (baseUri is null) throw new ArgumentNullException(nameof(baseUri));
        if (!baseUri.IsAbsoluteUri)
            throw new ArgumentException($"BaseUri '{baseUri}' is not absolute: use e.g. https://waba-v2.360dialog.io.", nameof(baseUri));
        var secure = baseUri.Scheme == Uri.UriSchemeHttps;
        if (!secure && !(baseUri.Scheme == Uri.UriSchemeHttp && baseUri.IsLoopback))
            throw new ArgumentException(
                $"BaseUri '{baseUri}' is not https: the API key would travel in clear. Use https (http is allowed only for loopback, such as the emulator).",
                nameof(baseUri));
        var text = baseUri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
    }

    public Uri RouteUri(string relative) => new(BaseUri, relative);

    /// <summary>
    /// POST the message to /marketing_messages (or /messages). Throws ApiException or ApiTransportException, or what
    /// <paramref name="beforeSending"/> threw (then nothing left).
    /// </summary>
    /// <param name="beforeSending">Awaited on the open connection just before the request leaves (a pace, the journal).</param>
    public async Task<SendResponse> SendTemplateAsync(TemplateMessage message, SendRoute route, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? beforeSending = null)
    {
        var body = message.ToJsonUtf8();
        var response = await SendAsync(HttpMethod.Post, SendRoutes.PathOf(route), body, cancellationToken, beforeSending).ConfigureAwait(false);
        try { return SendResponse.Parse(response); }
        catch (FormatException ex)
        {
            // A success status without a clear acceptance: the API may well have taken the message.
            throw new ApiTransportException($"The answer from {RouteUri(SendRoutes.PathOf(route))} is not a clear acceptance: {ex.Message}.",
                isTimeout: false, requestMayHaveBeenSent: true, ex);
        }
    }

    /// <summary>A cheap authenticated read that proves the key: one template from the listing.</summary>
    public Task ValidateKeyAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "v1/configs/templates?limit=1", null, cancellationToken);

    /// <summary>One request with the key header; the answer's bytes on 2xx, an ApiException otherwise.</summary>
    internal async Task<byte[]> SendAsync(HttpMethod method, string relative, byte[]? jsonBody, CancellationToken cancellationToken,
        Func<CancellationToken, Task>? beforeSending = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var request = new HttpRequestMessage(method, RouteUri(relative));
        GatedJsonContent? gated = null;
        if (jsonBody != null)
            request.Content = gated = new GatedJsonContent(jsonBody, beforeSending ?? (_ => Task.CompletedTask), timeout.Token);

        HttpResponseMessage response;
        // The request's own time ran out (not the caller's): on the wire, or still at the gate.
        bool TimedOut() => timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception) when (gated?.GateFailure is { } failure && !TimedOut())
        {
            // The handler wraps what the gate threw (a stop, the journal); the caller gets it as it was: nothing left.
            ExceptionDispatchInfo.Capture(failure).Throw();
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException || TimedOut())
        {
            throw new ApiTransportException(
                $"No answer from {request.RequestUri!.GetLeftPart(UriPartial.Path)} within {_options.RequestTimeout.TotalSeconds:0.#} s.",
                isTimeout: true, requestMayHaveBeenSent: gated?.Opened ?? true, ex);
        }
        catch (HttpRequestException ex)
        {
            // A body that never passed its gate never left (connection refused, reset before the request was written).
            var notSent = FailedBeforeSending(ex) || gated is { Opened: false };
            throw new ApiTransportException(
                $"Could not reach {request.RequestUri!.GetLeftPart(UriPartial.Path)}: {Innermost(ex).Message}",
                isTimeout: false, requestMayHaveBeenSent: !notSent, ex);
        }

        using (response)
        {
            byte[] bytes;
            try
            {
                bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is System.IO.IOException)
            {
                throw new ApiTransportException($"The answer from {request.RequestUri!.GetLeftPart(UriPartial.Path)} broke off: {ex.Message}",
                    isTimeout: false, requestMayHaveBeenSent: true, ex);
            }
            if (response.IsSuccessStatusCode) return bytes;
            var status = (int)response.StatusCode;
            if (status is >= 300 and <= 399)
                throw new ApiException(status, null,
                    $"The API answered HTTP {status} with a redirect to {RedirectTarget(request.RequestUri!, response.Headers.Location)}; redirects are not followed.");
            throw ApiErrorParser.Parse((int)response.StatusCode, System.Text.Encoding.UTF8.GetString(bytes), RetryAfterOf(response, _options.Time));
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header is null) return null;
        if (header.Delta is TimeSpan delta) return delta;
        if (header.Date is DateTimeOffset date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Where a redirect points, as scheme, host and port only: its path or query could hold anything.</summary>
    private static string RedirectTarget(Uri requested, Uri? location)
    {
        if (location is null) return "no location";
        var target = location.IsAbsoluteUri ? location : new Uri(requested, location);
        return target.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>Connection refused or name not resolved: the request never left, so a resend cannot duplicate it.</summary>
    private static bool FailedBeforeSending(Exception ex)
    {
        for (Exception? e = ex; e != null; e = e.InnerException)
        {
            if (e is SocketException s)
                return s.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData;
        }
        return false;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException != null) ex = ex.InnerException;
        return ex;
    }

    public void Dispose()
    {
        _http.Dispose();
        // Only after the HttpClient is gone: no request can be reading the header while it is zeroed.
        _keyHeader.Dispose();
        _key.Dispose();
    }
}
