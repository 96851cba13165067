namespace Dialog360.MM.Core.Api;

/// <summary>What an API error means for the caller: drives the PowerShell ErrorCategory and whether to retry.</summary>
public enum ApiErrorKind
{
    Unknown,
    /// <summary>401, or Graph code 190: the key is wrong, revoked or missing.</summary>
    Authentication,
    /// <summary>429, 130429 throughput, 131056 pair rate limit, 80007 WABA rate limit.</summary>
    RateLimit,
    /// <summary>The request itself is wrong (code 100 and friends).</summary>
    InvalidRequest,
    /// <summary>The business has not accepted the Marketing Messages terms ((#200) on the MM route).</summary>
    NotOnboarded,
    /// <summary>Template missing, not marketing, or its parameters do not match.</summary>
    Template,
    /// <summary>This recipient cannot get this message (opted out, frequency cap, undeliverable).</summary>
    Recipient,
    /// <summary>HTTP 5xx or Graph's transient codes: worth a retry.</summary>
    Server,
    /// <summary>HTTP 3xx: the address answered with a redirect, which is never followed (the key would go along).</summary>
    Redirect,
}
