using System;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// The API answered with an error. One type for the three shapes 360dialog uses (see <see cref="ApiErrorParser"/>),
/// so callers read Code, Details and Kind without caring which shape arrived.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int httpStatus, int? code, string message, string? type = null, string? details = null,
        int? subcode = null, string? traceId = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        HttpStatus = httpStatus;
        Code = code;
        Type = type;
        Details = details;
        Subcode = subcode;
        TraceId = traceId;
        RetryAfter = retryAfter;
        Kind = ApiErrorCatalog.Classify(httpStatus, code, message);
        Hint = ApiErrorCatalog.HintFor(code, Kind, message, details);
        Info = Kind == ApiErrorKind.NotOnboarded ? null : ApiErrorCatalog.Lookup(code, message, details);
    }

    public int HttpStatus { get; }
    /// <summary>Meta's numeric error code (e.g. 131049), when the answer had one.</summary>
    public int? Code { get; }
    public int? Subcode { get; }
    /// <summary>Meta's error type, e.g. OAuthException.</summary>
    public string? Type { get; }
    /// <summary>error_data.details: usually the most specific sentence the API gives.</summary>
    public string? Details { get; }
    public string? TraceId { get; }
    public TimeSpan? RetryAfter { get; }
    public ApiErrorKind Kind { get; }
    /// <summary>A sentence telling a person what to do about it, for the common codes.</summary>
    public string? Hint { get; }
    /// <summary>What the catalog says of the code; null for a code it does not know.</summary>
    public ApiErrorInfo? Info { get; }
    /// <summary>Resending cannot succeed in this run whatever the HTTP status (134102 comes as 500; 131050, 131049 …).</summary>
    public bool NeverRetry => Info?.NeverRetry ?? false;
    /// <summary>The catalog's earliest sensible resend, in minutes (134101: 10), when it names one; not the Retry-After header.</summary>
    public int? RetryAfterMinutes => Info?.RetryAfterMinutes;

    /// <summary>One line for a person: code, message and details (the hint travels separately).</summary>
    public string Describe()
    {
        var text = Code is int c ? $"API error {c}: {Message}" : $"API error (HTTP {HttpStatus}): {Message}";
        if (!string.IsNullOrEmpty(Details) && Details != Message) text += $" ({Details})";
        return text;
    }
}

/// <summary>No answer came back. <see cref="RequestMayHaveBeenSent"/> tells a retry policy whether a resend risks a duplicate.</summary>
public sealed class ApiTransportException : Exception
{
    public ApiTransportException(string message, bool isTimeout, bool requestMayHaveBeenSent, Exception? inner = null)
        : base(message, inner)
    {
        IsTimeout = isTimeout;
        RequestMayHaveBeenSent = requestMayHaveBeenSent;
    }

    public bool IsTimeout { get; }
    public bool RequestMayHaveBeenSent { get; }
}
