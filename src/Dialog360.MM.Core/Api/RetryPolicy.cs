using System;

namespace Dialog360.MM.Core.Api;

/// <summary>What to do after a failed attempt.</summary>
internal enum FailureDecision
{
    /// <summary>The request cannot have been delivered and may succeed later: send it again.</summary>
    Retry,
    /// <summary>The API may have passed the message on: report Unknown, never resend on our own.</summary>
    InDoubt,
    /// <summary>A clear refusal: report Failed.</summary>
    Fail,
}

/// <summary>
/// Which failures are worth another attempt, and how long to wait first. Only what cannot have been delivered is
/// retried: 429 and Graph's rate-limit codes (Retry-After honoured), 503 (the service refused the request), and
/// connections refused before the request left. 500, 502 and 504 come from gateways that may already have handed the
/// message on, and a timeout or a connection broken after the body left proves nothing either way: those are in doubt,
/// and a resend could message someone twice. 134102 (template unavailable, business not eligible) arrives as HTTP 500
/// but is Meta's clear refusal (360dialog, MM API expected errors): Failed, never retried, like every code
/// <see cref="ApiErrorCatalog"/> says cannot be resent in this run.
/// </summary>
internal sealed class RetryPolicy
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

    /// <summary>The nature of a failure, whatever the attempt count.</summary>
    public static FailureDecision Classify(Exception error) => error switch
    {
        ApiException api when api.HttpStatus == 429 || api.Kind == ApiErrorKind.RateLimit => FailureDecision.Retry,
        ApiException api when api.HttpStatus == 503 => FailureDecision.Retry,
        // Codes the catalog marks as never worth a resend (134102 even though it comes as HTTP 500; 131049 within a run).
        ApiException api when api.NeverRetry => FailureDecision.Fail,
        ApiException api when api.HttpStatus is 500 or 502 or 504 => FailureDecision.InDoubt,
        ApiException => FailureDecision.Fail,
        ApiTransportException transport => transport.RequestMayHaveBeenSent ? FailureDecision.InDoubt : FailureDecision.Retry,
        _ => FailureDecision.InDoubt,
    };

    /// <summary>What to do after attempt number <paramref name="attempts"/> failed: a retryable failure with no tries left fails.</summary>
    public FailureDecision Decide(Exception error, int attempts)
    {
        var decision = Classify(error);
        return decision == FailureDecision.Retry && attempts > MaxRetries ? FailureDecision.Fail : decision;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/>+1: Retry-After when the API gave one, else
    /// exponential backoff with equal jitter (half the backoff, plus a random share of the other half), so that many
    /// workers do not retry in step and none retries at once.</summary>
    public TimeSpan DelayBefore(int attempt, Exception error)
    {
        if (error is ApiException { RetryAfter: TimeSpan after }) return after < MaxDelay ? after : MaxDelay;
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        double jitter;
        lock (_random) jitter = _random.NextDouble();
        return TimeSpan.FromMilliseconds(ceiling / 2 + jitter * ceiling / 2);
    }
}
