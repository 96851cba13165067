namespace Dialog360.MM.Core.Webhooks;

/// <summary>A part of a webhook file or string that could not be read; reading goes on after it.</summary>
public sealed class WebhookReadError
{
    internal WebhookReadError(string source, long line, string message, bool isMalformedJson)
    {
        Source = source;
        Line = line;
        Message = message;
        IsMalformedJson = isMalformedJson;
    }

    /// <summary>The file path, or a description such as "input string 3".</summary>
    public string Source { get; }

    /// <summary>1-based line where the problem was found.</summary>
    public long Line { get; }

    public string Message { get; }

    /// <summary>True for broken JSON; false for valid JSON that is not a webhook delivery (e.g. a bare number).</summary>
    public bool IsMalformedJson { get; }

    public override string ToString() => $"{Source}, line {Line}: {Message}";
}
