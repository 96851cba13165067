namespace Dialog360.MM.Emulator;

/// <summary>
/// A fault the emulator can answer a send with instead of its normal answer. The values are the HTTP status each one
/// answers (0: none, the connection drops; 200: a malformed success).
/// </summary>
public enum EmulatorFault
{
    /// <summary>The message is accepted, then the connection drops without an answer.</summary>
    Dropped = 0,

    /// <summary>The message is accepted, then HTTP 200 comes with a body that is no MarketingMessageResponsePayload:
    /// <c>{"messages":[{"id":123}]}</c>, <c>[]</c>, <c>{}</c> or text that is not JSON.</summary>
    MalformedOk = 200,

    /// <summary>Not accepted: HTTP 429 with Graph error 130429 and Retry-After: 1.</summary>
    RateLimited = 429,

    /// <summary>The message is accepted, then HTTP 500 comes without Meta's error object (a crash behind the API).</summary>
    InternalError = 500,

    /// <summary>The message is accepted, then a gateway answers HTTP 502 with its own HTML page.</summary>
    BadGateway = 502,

    /// <summary>Not accepted: HTTP 503 with Graph error 131016 (service unavailable).</summary>
    Unavailable = 503,

    /// <summary>The message is accepted, then a gateway answers HTTP 504 with its own HTML page.</summary>
    GatewayTimeout = 504,
}
