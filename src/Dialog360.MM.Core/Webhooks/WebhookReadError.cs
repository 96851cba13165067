namespace Dialog360.MM.Core.Webhooks;

/// <summary>What kind of problem a <see cref="WebhookReadError"/> is.</summary>
public enum WebhookReadProblem
{
    /// <summary>Broken JSON, or JSON that is not valid UTF-8.</summary>
    MalformedJson,
    /// <summary>Valid JSON that is not a webhook delivery (e.g. a bare number).</summary>
    NotADelivery,
    /// <summary>A delivery larger than the reader's maximum; skipped unread.</summary>
    TooLarge,
}

/// <summary>A part of a webhook file or string that could not be read; reading goes on after it.</summary>
public sealed class WebhookReadError
{
    internal WebhookReadError(string source, long line, string message, WebhookReadProblem problem)
    {
        Source = source;
        Line = line;
        Message = message;
        Problem = problem;
    }

    /// <summary>The file path, or a description such as "input string 3".</summary>
    public string Source { get; }

    /// <summary>1-based line where the problem was found.</summary>
    public long Line { get; }

    public string Message { get; }

    public WebhookReadProblem Problem { get; }

    public override string ToString() => $"{Source}, line {Line}: {Message}";

    /// <summary>The same problem, its line counted from further up (a part of a file read on its own).</summary>
    internal WebhookReadError AtLineOffset(long lines) => lines == 0 ? this : new WebhookReadError(Source, Line + lines, Message, Problem);
}
