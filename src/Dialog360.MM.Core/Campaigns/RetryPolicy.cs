using System;
using Dialog360.MM.Core.Api;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// Which failures are worth another attempt, and how long to wait first. Retried: rate limits (429, 130429, 131056:
/// Retry-After honoured), server errors (5xx) and connections that failed before the request left. Never retried:
/// a timeout or a broken connection after the request may have reached the API — a resend could message someone twice.
/// </summary>
public sealed class RetryPolicy
{
    private readonly Random _random = new();

    public RetryPolicy(int maxRetries, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        if (maxRetries < 0) throw new ArgumentOutOfRangeException(nameof(maxRetries));
        MaxRetries = maxRetries;
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(30);
    }

    public int MaxRetries { get; }
    public TimeSpan BaseDelay { get; }
    public TimeSpan MaxDelay { get; }

    public static bool IsRetryable(Exception error) => error switch
    {
        ApiException api => api.Kind is ApiErrorKind.RateLimit or ApiErrorKind.Server || api.HttpStatus == 429 || api.HttpStatus >= 500,
        ApiTransportException transport => !transport.RequestMayHaveBeenSent,
        _ => false,
    };

    /// <summary>The wait before attempt <paramref name="attempt"/>+1: Retry-After when the API gave one, else
    /// exponential backoff with full jitter (so that many workers do not retry in step).</summary>
    public TimeSpan DelayBefore(int attempt, Exception error)
    {
        if (error is ApiException { RetryAfter: TimeSpan after }) return after < MaxDelay ? after : MaxDelay;
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double jitter;
        lock (_random) jitter = _random.NextDouble();
        return TimeSpan.FromMilliseconds(ceiling / 2 + jitter * ceiling / 2);
    }
}
