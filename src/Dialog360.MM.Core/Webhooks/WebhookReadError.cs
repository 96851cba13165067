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
    private readonly string _reason;
    private readonly long? _deliveryLine;
    private readonly long? _skippedTo;
    private readonly bool _skippedToEnd;

    internal WebhookReadError(string source, long line, string message, WebhookReadProblem problem)
        : this(source, line, message, problem, null, null, false)
    {
    }

    /// <param name="deliveryLine">Where the delivery with the problem starts, when that is not <paramref name="line"/>.</param>
    /// <param name="skippedTo">The line reading resumed at, when lines were skipped to find it.</param>
    /// <param name="skippedToEnd">No later line starts a delivery: the rest of the input was skipped.</param>
    internal WebhookReadError(string source, long line, string reason, WebhookReadProblem problem, long? deliveryLine, long? skippedTo, bool skippedToEnd)
    {
        Source = source;
        Line = line;
        Problem = problem;
        _reason = reason;
        _deliveryLine = deliveryLine;
        _skippedTo = skippedTo;
        _skippedToEnd = skippedToEnd;
        // The line numbers are kept apart from the reason so that a part of a file read on its own can move them all.
        var message = reason;
        if (deliveryLine is long start) message = message.TrimEnd('.') + $" (in the delivery that starts on line {start}).";
        if (skippedTo is long next) message = message.TrimEnd('.') + $"; skipped to line {next}.";
        else if (skippedToEnd) message = message.TrimEnd('.') + "; no later line starts a delivery, so the rest of the input was skipped.";
        Message = message;
    }

    /// <summary>The file path, or a description such as "input string 3".</summary>
    public string Source { get; }

    /// <summary>1-based line where the problem was found.</summary>
    public long Line { get; }

    /// <summary>What is wrong, and what was skipped because of it.</summary>
    public string Message { get; }

    public WebhookReadProblem Problem { get; }

    public override string ToString() => $"{Source}, line {Line}: {Message}";

    /// <summary>The same problem, its lines counted from further up (a part of a file read on its own).</summary>
    internal WebhookReadError AtLineOffset(long lines) => lines == 0
        ? this
        : new WebhookReadError(Source, Line + lines, _reason, Problem, _deliveryLine + lines, _skippedTo + lines, _skippedToEnd);
}
