using System;
using System.Collections.Generic;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Time;

using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>What the gate decided for one recipient.</summary>
public enum GateVerdict
{
    /// <summary>Send it now.</summary>
    Send,
    /// <summary>Not sent; the result says why (Skipped, Suppressed, Deferred, Failed).</summary>
    Settled,
    /// <summary>Not sent; the result is Unknown and the caller writes a SendInDoubt error.</summary>
    InDoubt,
    /// <summary>Not sent: the journal belongs to another campaign; the caller writes a JournalMismatch error.</summary>
    JournalMismatch,
}

/// <summary>The gate's answer: send, or the result to write instead (nothing was sent).</summary>
public readonly struct GateDecision
{
    private GateDecision(GateVerdict verdict, MMSendResult? result, Exception? error)
    {
        Verdict = verdict;
        Result = result;
        Error = error;
    }

    public GateVerdict Verdict { get; }
    public MMSendResult? Result { get; }
    /// <summary>For <see cref="GateVerdict.JournalMismatch"/>: the exception to report.</summary>
    public Exception? Error { get; }

    internal static GateDecision Send => new(GateVerdict.Send, null, null);
    internal static GateDecision Settle(MMSendResult result) => new(GateVerdict.Settled, result, null);
    internal static GateDecision Doubt(MMSendResult result) => new(GateVerdict.InDoubt, result, null);
    internal static GateDecision Mismatch(MMSendResult result, Exception error) => new(GateVerdict.JournalMismatch, result, error);
}

/// <summary>
/// Decides, for each recipient of a run, whether it is sent now: the one place for the rules that keep a campaign
/// from messaging anybody twice, against their wish, or at night. In order: a number repeated in the input is sent
/// once; a journal of another campaign refuses the row; the suppression list holds back who stopped marketing; the
/// journal skips who already got it, holds back who may have got it (Unknown) and who cannot get it (131050 and other
/// refusals a resend cannot change) or should not be tried yet (131049, 134101: the catalog's wait); the send window
/// defers who is outside it.
/// The cmdlet only binds, asks ShouldProcess and writes what this returns.
/// </summary>
public sealed class RecipientGate
{
    /// <summary>
    /// Refusals that a resend of the same message cannot change (Meta, "WhatsApp Cloud API error codes"): 131050, the
    /// person stopped marketing messages from this business (only their own "resume" undoes it); 131021, the recipient
    /// is the sending number itself. A rerun skips them unless told otherwise (-RetryFailed).
    /// </summary>
    public static readonly ISet<string> PermanentFailureCodes = new HashSet<string>(StringComparer.Ordinal) { "131050", "131021" };

    /// <summary>The ErrorCode of a result deferred because the recipient's send window is closed.</summary>
    public const string OutsideSendWindow = nameof(OutsideSendWindow);

    private readonly Dictionary<string, HashSet<ulong>> _seen = new(StringComparer.Ordinal);
    private readonly GateOptions _options;

    public RecipientGate(GateOptions options) => _options = options;

    public GateDecision Decide(TemplateMessage message, CampaignIdentity campaign)
    {
        var now = _options.Clock.Now;
        if (!FirstTime(message))
            return GateDecision.Settle(Result(message, SendStatus.Skipped, "Duplicate", "This number came earlier in the input: sent once only.", now));

        var journal = _options.Journal;
        if (journal != null)
        {
            try { journal.Claim(campaign); }
            catch (JournalMismatchException ex)
            {
                return GateDecision.Mismatch(Result(message, SendStatus.Failed, "JournalMismatch", ex.Message, now), ex);
            }
        }

        if (_options.Suppressed?.Invoke(message.To) is { } reason)
            return GateDecision.Settle(Result(message, SendStatus.Suppressed, "Suppressed", reason, now));

        if (journal != null && Journaled(journal.Lookup(message.To, message.TemplateName), message, now) is { } settled)
            return settled;

        if (_options.Window != null)
        {
            var opening = _options.Window.NextOpening(message.To, now);
            if (opening > now)
            {
                journal?.WriteDeferred(message.To, message.TemplateName, opening);
                var deferred = Result(message, SendStatus.Deferred, OutsideSendWindow,
                    $"Outside the send window ({_options.Window.Opens:hh\\:mm}-{_options.Window.Closes:hh\\:mm} the recipient's time): not sent; it opens at {opening:u}. Run the same command again then.", now);
                deferred.NotBefore = opening;
                return GateDecision.Settle(deferred);
            }
        }
        return GateDecision.Send;
    }

    private GateDecision? Journaled(JournalRecord record, TemplateMessage message, DateTimeOffset now)
    {
        switch (record.State)
        {
            case JournalState.Accepted:
                return GateDecision.Settle(Result(message, SendStatus.Skipped, "AlreadySent", "The journal records this recipient as accepted: not sent again.", now));
            case JournalState.InDoubt when !_options.RetryUnknown:
                return GateDecision.Doubt(Result(message, SendStatus.Unknown, "InDoubt",
                    "The journal has a request to this recipient with no answer: it may have been delivered. Not resent; use -RetryUnknown to send anyway.", now));
            case JournalState.Failed when !_options.RetryFailed && record.ErrorCode is { } code && PermanentFailureCodes.Contains(code):
                return GateDecision.Settle(Result(message, SendStatus.Skipped, code,
                    $"An earlier run was refused with {code}, which a resend cannot change: not sent again. Use -RetryFailed to send anyway.", now));
            case JournalState.Failed when !_options.RetryFailed && record.NotBefore is { } notBefore && notBefore > now:
                var wait = Result(message, SendStatus.Deferred, record.ErrorCode ?? "NotBefore",
                    $"An earlier run was refused with {record.ErrorCode}; a new try makes sense from {notBefore:u}. Use -RetryFailed to send anyway.", now);
                wait.NotBefore = notBefore;
                return GateDecision.Settle(wait);
            default:
                return null;
        }
    }

    /// <summary>Numbers are at most 15 digits (E.164), so each fits a ulong: a 100,000-row audience costs ~2 MB here.</summary>
    private bool FirstTime(TemplateMessage message)
    {
        if (!_seen.TryGetValue(message.TemplateName, out var numbers)) _seen[message.TemplateName] = numbers = new HashSet<ulong>();
        return numbers.Add(ulong.Parse(message.To, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static MMSendResult Result(TemplateMessage message, SendStatus status, string code, string text, DateTimeOffset at)
    {
        var result = MMSendResult.Failed(message.To, message.TemplateName, code, text, null, at, status);
        result.CallbackData = message.CallbackData;
        return result;
    }
}

/// <summary>What the gate consults.</summary>
public sealed class GateOptions
{
    public SendJournal? Journal { get; set; }
    /// <summary>The number (digits) → why it is suppressed, or null. Marketing sends only: the caller leaves it null otherwise.</summary>
    public Func<string, string?>? Suppressed { get; set; }
    public SendWindow? Window { get; set; }
    public Clock Clock { get; set; } = Clock.System;
    public bool RetryUnknown { get; set; }
    public bool RetryFailed { get; set; }
}
