using System;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>What a <see cref="CampaignEvent"/> asks the cmdlet to write.</summary>
internal enum CampaignEventKind
{
    /// <summary>One recipient's <see cref="MMSendResult"/>: exactly one per input record.</summary>
    Result,
    /// <summary>A non-terminating error for one recipient: <see cref="CampaignEvent.Reason"/> names its ErrorId.</summary>
    Refusal,
    /// <summary>A -Verbose line.</summary>
    Log,
    /// <summary>A warning.</summary>
    Warning,
    /// <summary>A progress record.</summary>
    Progress,
    /// <summary>The run cannot go on: a terminating error, always the last event.</summary>
    Fatal,
}

/// <summary>
/// One entry of a campaign's ordered stream: the cmdlet writes each with one switch, in the order they come. Errors
/// carry a reason (an ErrorId of the module's catalog, see <see cref="CampaignReason"/>), the exception whose message
/// the user reads, and the object at fault.
/// </summary>
internal sealed class CampaignEvent
{
    private CampaignEvent(CampaignEventKind kind) => Kind = kind;

    public CampaignEventKind Kind { get; private set; }
    public MMSendResult? Result { get; private set; }
    public string? Reason { get; private set; }
    public Exception? Error { get; private set; }
    public object? Target { get; private set; }
    public string? Text { get; private set; }
    public CampaignProgress? Progress { get; private set; }

    public static CampaignEvent ForResult(MMSendResult result) => new(CampaignEventKind.Result) { Result = result };

    public static CampaignEvent Refusal(string reason, Exception error, object? target) =>
        new(CampaignEventKind.Refusal) { Reason = reason, Error = error, Target = target };

    public static CampaignEvent Log(string text) => new(CampaignEventKind.Log) { Text = text };

    public static CampaignEvent Warning(string text) => new(CampaignEventKind.Warning) { Text = text };

    public static CampaignEvent ForProgress(CampaignProgress progress) => new(CampaignEventKind.Progress) { Progress = progress };

    public static CampaignEvent Fatal(string reason, Exception error, object? target) =>
        new(CampaignEventKind.Fatal) { Reason = reason, Error = error, Target = target };

    public override string ToString() => Kind switch
    {
        CampaignEventKind.Result => $"Result {Result}",
        CampaignEventKind.Refusal or CampaignEventKind.Fatal => $"{Kind} {Reason}: {Error?.Message}",
        CampaignEventKind.Progress => $"Progress {Progress?.Status}",
        _ => $"{Kind} {Text}",
    };
}

/// <summary>A progress record: the run (id 1), or the wait for send windows under it (id 2).</summary>
internal sealed class CampaignProgress
{
    public int Id { get; set; } = 1;
    public int ParentId { get; set; } = -1;
    public string Activity { get; set; } = "Send-MarketingMessage";
    public string Status { get; set; } = string.Empty;
    /// <summary>-1 when the total is not known.</summary>
    public int PercentComplete { get; set; } = -1;
    /// <summary>-1 when unknown.</summary>
    public int SecondsRemaining { get; set; } = -1;
    public bool Completed { get; set; }
}

/// <summary>
/// The reasons a campaign gives for an error: each is an ErrorId of the module's catalog (a contract test keeps them
/// in step), except <see cref="ApiRefused"/>, whose id comes from the API's own code (ApiError&lt;code&gt;,
/// ApiHttp&lt;status&gt;, ApiTimeout, ApiUnreachable). Validation failures use <see cref="Messages.ValidationReason"/>.
/// </summary>
internal static class CampaignReason
{
    public const string ApiRefused = "Api";
    public const string SendInDoubt = nameof(SendInDoubt);
    public const string SendStopped = nameof(SendStopped);
    public const string SendEngineFailed = nameof(SendEngineFailed);
    public const string JournalInUse = nameof(JournalInUse);
    public const string JournalUnavailable = nameof(JournalUnavailable);
    public const string JournalMismatch = nameof(JournalMismatch);
    public const string SuppressionListUnavailable = nameof(SuppressionListUnavailable);
    public const string InvalidSuppressionEntry = nameof(InvalidSuppressionEntry);
    public const string TemplateCheckFailed = nameof(TemplateCheckFailed);
}

/// <summary>A campaign that cannot start (its journal or suppression list cannot be used): nothing was sent.</summary>
public sealed class CampaignStartException : Exception
{
    public CampaignStartException(string reason, string message, object? target, Exception? inner = null) : base(message, inner)
    {
        Reason = reason;
        Target = target;
    }

    /// <summary>An ErrorId of the module's catalog.</summary>
    public string Reason { get; }
    public object? Target { get; }
}
