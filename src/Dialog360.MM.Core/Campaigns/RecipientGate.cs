using System;
using System.Collections.Generic;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Time;
using Dialog360.MM.Core.Api;

using Dialog360.MM.Core.State;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>What the gate decided for one recipient.</summary>
internal enum GateVerdict
{
    /// <summary>Send it now.</summary>
    Send,
    /// <summary>Not sent; the result says why (Skipped, Suppressed, Deferred, Failed).</summary>
    Settled,
    /// <summary>Not sent; the result is Unknown and the caller writes a SendInDoubt error.</summary>
    InDoubt,
}

/// <summary>The gate's answer: send, or the result to write instead (nothing was sent).</summary>
internal readonly struct GateDecision
{
    private GateDecision(GateVerdict verdict, MMSendResult? result)
    {
        Verdict = verdict;
        Result = result;
    }

    public GateVerdict Verdict { get; }
    public MMSendResult? Result { get; }

    internal static GateDecision Send => new(GateVerdict.Send, null);
    internal static GateDecision Settle(MMSendResult result) => new(GateVerdict.Settled, result);
    internal static GateDecision Doubt(MMSendResult result) => new(GateVerdict.InDoubt, result);
}

/// <summary>
/// Decides, for each recipient of a run, whether it is sent now: the one place for the rules that keep a campaign
/// from messaging anybody twice, against their wish, or at night. In order: a number repeated in the input is sent
/// once; the suppression list holds back who stopped marketing (under any of their keys); the journal skips who already got it, holds back who
/// may have got it (Unknown), who cannot get it (a refusal the error catalog marks permanent for the recipient:
/// 131050, 131021) and who should not be tried yet (131049, 134101: the catalog's wait); the send window defers who
/// is outside it. <see cref="Campaign"/> asks it once per recipient, after the journal is claimed for the template.
/// </summary>
internal sealed class RecipientGate
{
    /// <summary>The ErrorCode of a result deferred because the recipient's send window is closed.</summary>
    public const string OutsideSendWindow = nameof(OutsideSendWindow);

    // Per template, the people already seen in this input: numbers' keys as ulongs (at most 15 digits, so a 100,000-row
    // audience costs ~2 MB here), BSUIDs as they are.
    private readonly Dictionary<string, (HashSet<ulong> Numbers, HashSet<string> UserIds)> _seen = new(StringComparer.Ordinal);
    private readonly GateOptions _options;

    public RecipientGate(GateOptions options) => _options = options;

    /// <param name="keys">Every key known for the message's person (<see cref="People.Identities.KeysOf"/>): a
    /// duplicate, a journal entry or a stop under any of them is the same person's.</param>
    public GateDecision Decide(TemplateMessage message, IReadOnlyList<string> keys)
    {
        var now = _options.Time.GetLocalNow();
        if (!FirstTime(message.TemplateName, keys))
            return GateDecision.Settle(Result(message, SendStatus.Skipped, "Duplicate", "This person came earlier in the input: sent once only.", now));

        var journal = _options.Journal;
        if (_options.Suppressed?.Invoke(message, keys) is { } reason)
            return GateDecision.Settle(Result(message, SendStatus.Suppressed, "Suppressed", reason, now));

        if (journal != null && Journaled(journal.Lookup(keys, message.TemplateName), message, now) is { } settled)
            return settled;

        if (_options.Window != null)
        {
            var opening = message.To != null
                ? _options.Window.NextOpening(message.To, now)
                : _options.Window.NextOpeningInCountry(UserId.CountryOf(message.UserId!), message.UserId!, now);
            if (opening > now)
            {
                journal?.WriteDeferred(message.To, message.UserId, message.TemplateName, opening);
                var deferred = Result(message, SendStatus.Deferred, OutsideSendWindow,
                    $"Outside the send window ({_options.Window.Opens:hh\\:mm}-{_options.Window.Closes:hh\\:mm} the recipient's time): not sent; it opens at {opening:u}. Run the same command again then.", now);
                deferred.NotBefore = opening;
                return GateDecision.Settle(deferred);
            }
        }
        return GateDecision.Send;
    }

    /// <summary>
    /// What the journal settles. A result it settles carries the time of the journaled send (SentAt), not the rerun's:
    /// piped to Add-MMSuppression, a 131050 skipped on a rerun is the stop it was then, older than a resume since.
    /// </summary>
    private GateDecision? Journaled(JournalRecord record, TemplateMessage message, DateTimeOffset now)
    {
        var decision = Settle(record, message, now);
        if (decision?.Result is { } result && record.Time is { } sent) result.SentAt = sent.ToOffset(now.Offset);
        return decision;
    }

    private GateDecision? Settle(JournalRecord record, TemplateMessage message, DateTimeOffset now)
    {
        switch (record.State)
        {
            case JournalState.Accepted:
                return GateDecision.Settle(Result(message, SendStatus.Skipped, "AlreadySent", "The journal records this recipient as accepted: not sent again.", now));
            case JournalState.InDoubt when !_options.RetryUnknown:
                return GateDecision.Doubt(Result(message, SendStatus.Unknown, "InDoubt",
                    "The journal has a request to this recipient with no answer: it may have been delivered. Not resent; use -RetryUnknown to send anyway.", now));
            case JournalState.Failed when !_options.RetryFailed && ApiErrorCatalog.Lookup(record.ErrorCode)?.PermanentForRecipient == true && record.ErrorCode is { } code:
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

    private bool FirstTime(string template, IReadOnlyList<string> keys)
    {
        if (!_seen.TryGetValue(template, out var seen)) _seen[template] = seen = (new HashSet<ulong>(), new HashSet<string>(StringComparer.Ordinal));
        foreach (var key in keys)
            if (IsNumber(key, out var n) ? seen.Numbers.Contains(n) : seen.UserIds.Contains(key)) return false;
        foreach (var key in keys)
            if (IsNumber(key, out var n)) seen.Numbers.Add(n);
            else seen.UserIds.Add(key);
        return true;
    }

    private static bool IsNumber(string key, out ulong number) =>
        ulong.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number);

    private static MMSendResult Result(TemplateMessage message, SendStatus status, string code, string text, DateTimeOffset at) =>
        MMSendResult.NotAccepted(message, status, code, text, null, at);
}

/// <summary>What the gate consults.</summary>
internal sealed class GateOptions
{
    public SendJournal? Journal { get; set; }
    /// <summary>The message and its person's keys → why they are suppressed, or null (the suppression policy decides which sends it holds back).</summary>
    public Func<TemplateMessage, IReadOnlyList<string>, string?>? Suppressed { get; set; }
    public SendWindow? Window { get; set; }
    public TimeProvider Time { get; set; } = TimeProvider.System;
    public bool RetryUnknown { get; set; }
    public bool RetryFailed { get; set; }
}
