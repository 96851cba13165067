using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using Dialog360.MM.Core.State;

using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Folds webhook events into campaign funnels. Deliveries are retried for days until they get a 200, so the same
/// status arrives more than once and statuses arrive out of order: each message is kept at the furthest state seen
/// (read &gt; delivered &gt; sent), whatever the order, and each click id counts once.
/// </summary>
public sealed class Funnel : IStatusSink
{
    public const string AllCampaigns = "(all)";
    public const string NoCampaign = "(none)";
    /// <summary>Click events do not say which message or recipient they belong to, so grouped funnels list them apart.</summary>
    public const string UnattributedClicks = "(unattributed clicks)";

    private const byte Sent = 1, Delivered = 2, Read = 3;
    private readonly CampaignGrouping _groupBy;
    private readonly IReadOnlyDictionary<string, SendJournalEntry>? _journal;
    private readonly RateCard? _rateCard;
    private static readonly Func<MessageState> NewState = () => new MessageState();
    private readonly Utf8KeyedTable<MessageState> _messages = new();
    private readonly HashSet<string> _clickIds = new(StringComparer.Ordinal);
    private int _clicksWithoutId;
    private long _statusesTaken;
    // The first and the last status time seen (Unix seconds; 0: none yet): the period a report covers.
    private long _firstStatusAt, _lastStatusAt;
    private readonly OptOutTally _optOuts = new();

    public Funnel(CampaignGrouping groupBy = CampaignGrouping.None, IReadOnlyDictionary<string, SendJournalEntry>? journal = null,
        RateCard? rateCard = null)
    {
        _rateCard = rateCard;
        if (groupBy == CampaignGrouping.Template && journal is null)
            throw new ArgumentException("Grouping by template needs the send journal: statuses do not name the template.", nameof(journal));
        _groupBy = groupBy;
        _journal = journal;
    }

    /// <summary>Takes one event; inbound messages and unknown events do not change the funnel.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public void Add(MMWebhookEvent e)
    {
        switch (e)
        {
            case MMStatusEvent status when !string.IsNullOrEmpty(status.MessageId):
                AddStatus(status);
                break;
            case MMClickEvent click:
                if (string.IsNullOrEmpty(click.ClickId)) _clicksWithoutId++;
                else _clickIds.Add(click.ClickId!);
                break;
            case MMUserPreferenceEvent preference:
                _optOuts.Add(preference);
                break;
        }
    }

    /// <summary>
    /// Folds every event of a webhook file or stream as it is read, one delivery in memory at a time; problems go to
    /// <paramref name="onError"/> as with <see cref="WebhookReader.Read"/>. Returns the number of events read.
    /// </summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    public long AddFrom(Stream stream, string source, Action<WebhookReadError> onError,
        CancellationToken cancel = default, int maxDeliveryBytes = WebhookReader.DefaultMaxDeliveryBytes) =>
        AddFrom(stream, source, onError, cancel, maxDeliveryBytes, null);

    [MethodImpl(JitHints.AggressiveOptimization)]
    private long AddFrom(Stream stream, string source, Action<WebhookReadError> onError, CancellationToken cancel, int maxDeliveryBytes,
        WebhookFilePart? part)
    {
        // Statuses, nearly all of a file, are folded as records straight from the reader's buffer (Take, below).
        _statusesTaken = 0;
        long others = 0;
        foreach (var e in WebhookReader.Read(stream, source, onError, this, cancel, maxDeliveryBytes, part))
        {
            Add(e);
            others++;
        }
        return others + _statusesTaken;
    }

    /// <summary>
    /// Folds a whole webhook file. A large file of JSON lines is cut into parts read on several cores at once, each into
    /// a funnel of its own, merged in file order afterwards (every rule of the fold is order-free or keeps the first
    /// value seen, which the merge order preserves). Problems go to <paramref name="onError"/> on the calling thread,
    /// with their lines counted from the start of the file, after the reading. Returns the number of events read.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public long AddFile(string path, Action<WebhookReadError> onError, CancellationToken cancel = default,
        int maxDeliveryBytes = WebhookReader.DefaultMaxDeliveryBytes) =>
        AddFile(path, onError, cancel, maxDeliveryBytes, Math.Min(Environment.ProcessorCount, 4), WebhookFileParts.MinPartBytes);

    /// <summary>Tests cut small files into parts.</summary>
    internal long AddFile(string path, Action<WebhookReadError> onError, CancellationToken cancel, int maxDeliveryBytes, int maxParts, long minPartBytes)
    {
        IReadOnlyList<(long Start, long Length)> parts;
        using (var probe = WebhookFile.OpenShared(path))
        {
            // A named pipe has no length to cut and can be opened only once: it is read as it comes.
            if (!probe.CanSeek) return AddFrom(probe, path, onError, cancel, maxDeliveryBytes);
            parts = WebhookFileParts.Split(probe, maxParts, minPartBytes);
        }
        if (parts.Count == 1)
        {
            using var whole = WebhookFile.OpenRead(path);
            return AddFrom(whole, path, onError, cancel, maxDeliveryBytes);
        }
        var funnels = new Funnel[parts.Count];
        var errors = new List<WebhookReadError>[parts.Count];
        var counts = new long[parts.Count];
        var reads = new WebhookFilePart[parts.Count];
        try
        {
            System.Threading.Tasks.Parallel.For(0, parts.Count, new System.Threading.Tasks.ParallelOptions { CancellationToken = cancel }, i =>
            {
                funnels[i] = new Funnel(_groupBy, _journal, _rateCard);
                errors[i] = new List<WebhookReadError>();
                reads[i] = new WebhookFilePart(moreFollows: i + 1 < parts.Count);
                using var slice = new FileSlice(WebhookFile.OpenShared(path), parts[i].Start, parts[i].Length);
                counts[i] = funnels[i].AddFrom(slice, path, errors[i].Add, cancel, maxDeliveryBytes, reads[i]);
            });
        }
        catch (AggregateException ex)
        {
            // A part that could not be read fails the file as reading it whole would: with its own exception (an
            // IOException the caller reports), not a wrapper. (Cancellation comes out of Parallel.For unwrapped.)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.Flatten().InnerExceptions[0]).Throw();
            throw;
        }
        // An array left open at the end of a part (damage: its ']' is missing) goes on into the next part, which was read
        // as if outside it; the file is read again whole, so that it reads as it does on one core.
        foreach (var read in reads)
        {
            if (!read.EndedInsideArray) continue;
            using var whole = WebhookFile.OpenRead(path);
            return AddFrom(whole, path, onError, cancel, maxDeliveryBytes);
        }
        long lines = 0, total = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            MergeFrom(funnels[i]);
            total += counts[i];
            foreach (var error in errors[i]) onError(error.AtLineOffset(lines));
            // Lines are counted only where a later part has an error to place: the common clean file pays nothing.
            if (i + 1 < parts.Count && HasErrorsFrom(errors, i + 1)) lines += WebhookFileParts.CountLines(path, parts[i].Start, parts[i].Length);
        }
        return total;
    }

    private static bool HasErrorsFrom(List<WebhookReadError>[] errors, int first)
    {
        for (var i = first; i < errors.Length; i++) if (errors[i].Count > 0) return true;
        return false;
    }

    /// <summary>Folds in what a funnel of a later part of the input saw, as if its events had come after this one's.</summary>
    private void MergeFrom(Funnel later)
    {
        for (var i = 0; i < later._messages.Count; i++)
        {
            var other = later._messages.ValueAt(i);
            var state = _messages.GetOrAdd(later._messages.KeyBytesAt(i), NewState, later._messages.KeyAt(i));
            state.Recipient ??= other.Recipient;
            state.CallbackData ??= other.CallbackData;
            state.Billable |= other.Billable;
            state.PricingCategory ??= other.PricingCategory;
            if (state.Cost is null) (state.Cost, state.CostCurrency) = (other.Cost, other.CostCurrency);
            state.Furthest = Math.Max(state.Furthest, other.Furthest);
            state.SentAt = MessageState.Earliest(state.SentAt, other.SentAt);
            state.DeliveredAt = MessageState.Earliest(state.DeliveredAt, other.DeliveredAt);
            state.ReadAt = MessageState.Earliest(state.ReadAt, other.ReadAt);
            if (other.Failed)
            {
                state.Failed = true;
                state.ErrorCode ??= other.ErrorCode;
                state.ErrorTitle ??= other.ErrorTitle;
            }
        }
        _clickIds.UnionWith(later._clickIds);
        _clicksWithoutId += later._clicksWithoutId;
        Stretch(later._firstStatusAt);
        Stretch(later._lastStatusAt);
        _optOuts.MergeFrom(later._optOuts);
    }

    /// <summary>Widens the period seen to include this status time (Unix seconds; 0 is no time).</summary>
    private void Stretch(long at)
    {
        if (at == 0) return;
        if (_firstStatusAt == 0 || at < _firstStatusAt) _firstStatusAt = at;
        if (at > _lastStatusAt) _lastStatusAt = at;
    }

    private void AddStatus(MMStatusEvent status)
    {
        var state = _messages.GetOrAdd(status.MessageId!, NewState);
        // A message sent to a BSUID may come back without a number: the BSUID names the recipient, and its country the market.
        state.Recipient ??= status.RecipientId ?? status.UserId;
        Stretch(state.Apply(status.Status, status.CallbackData, status.Billable, status.PricingCategory, status.ErrorCode, status.ErrorTitle, status.Timestamp));
        state.ApplyCost(status.CostAmount, status.CostCurrency);
    }

    /// <summary>A delivery's statuses from the reader: one lookup by the id's bytes each, a string only for a new message.</summary>
    [MethodImpl(JitHints.AggressiveOptimization)]
    void IStatusSink.Take(ReadOnlySpan<byte> json, List<StatusRecord> statuses)
    {
        foreach (var s in statuses)
        {
            _statusesTaken++;
            MessageState state;
            if (s.MessageId.TryGetBytes(json, out var id))
            {
                if (id.IsEmpty) continue;
                state = _messages.GetOrAdd(id, NewState);
            }
            else
            {
                var text = s.MessageId.ToString(json);
                if (string.IsNullOrEmpty(text)) continue;
                state = _messages.GetOrAdd(text!, NewState);
            }
            state.Recipient ??= s.RecipientId.ToString(json) ?? s.RecipientUserId.ToString(json);
            Stretch(state.Apply(s.Status, s.CallbackData, s.Billable, s.PricingCategory, s.ErrorCode, s.ErrorTitle, s.Timestamp));
            if (s.CostAmount != null) state.ApplyCost(s.CostAmount, s.CostCurrency);
        }
    }

    public IReadOnlyList<MMCampaignSummary> Summarize() => Summarize(_groupBy);

    /// <summary>
    /// The same fold summarized another way (a report shows the whole campaign, its markets and its groups from one
    /// read of the files). With <paramref name="byPricingCategory"/>, each group is split by the pricing category of
    /// its messages: the key is the group's, a <see cref="CategorySeparator"/>, then the category (lower case; empty
    /// for a message without one).
    /// </summary>
    internal IReadOnlyList<MMCampaignSummary> Summarize(CampaignGrouping groupBy, bool byPricingCategory = false)
    {
        if (groupBy == CampaignGrouping.Template && _journal is null)
            throw new ArgumentException("Grouping by template needs the send journal: statuses do not name the template.", nameof(groupBy));
        var groups = new Dictionary<string, Tally>(StringComparer.Ordinal);
        Tally GroupOf(string key)
        {
            if (!groups.TryGetValue(key, out var tally)) groups.Add(key, tally = new Tally(_rateCard));
            return tally;
        }

        for (var i = 0; i < _messages.Count; i++)
        {
            var journal = Journal(_messages.KeyAt(i));
            var state = _messages.ValueAt(i);
            var recipient = state.Recipient ?? journal?.Recipient;
            var key = KeyOf(groupBy, state.CallbackData, journal, recipient);
            var tally = GroupOf(byPricingCategory ? key + CategorySeparator + (state.PricingCategory ?? "").ToLowerInvariant() : key);
            tally.Messages++;
            tally.CountHold(journal);
            if (recipient != null) tally.Recipients.Add(recipient);
            if (state.Billable || state.Cost != null) tally.Cost.Add(recipient, state.PricingCategory, state.Cost, state.CostCurrency);
            // A failed status after a delivery cannot undo it; only never-delivered failures count as failed.
            if (state.Failed && state.Furthest < Delivered)
            {
                tally.Failed++;
                tally.CountFailure(state.ErrorCode, state.ErrorTitle);
                continue;
            }
            if (state.Furthest >= Sent) tally.Sent++;
            if (state.Furthest >= Delivered) tally.Delivered++;
            if (state.Furthest >= Read) tally.Read++;
        }

        if (_journal != null)
        {
            foreach (var entry in _journal.Values)
            {
                if (_messages.Find(entry.MessageId) != null) continue;
                var key = KeyOf(groupBy, null, entry, entry.Recipient);
                var tally = GroupOf(byPricingCategory ? key + CategorySeparator : key);
                tally.Messages++;
                tally.Pending++;
                tally.CountHold(entry);
                if (entry.Recipient != null) tally.Recipients.Add(entry.Recipient);
            }
        }

        var clicks = _clickIds.Count + _clicksWithoutId;
        if (clicks > 0) GroupOf(groupBy == CampaignGrouping.None ? AllCampaigns : UnattributedClicks).Clicked = clicks;
        if (groups.Count == 0) GroupOf(AllCampaigns);

        // Plain loops and sorts rather than LINQ here: each LINQ shape over these types is code the first call compiles.
        var rows = new List<MMCampaignSummary>(groups.Count);
        foreach (var group in groups) rows.Add(group.Value.ToSummary(group.Key));
        rows.Sort((a, b) => a.Messages != b.Messages ? b.Messages.CompareTo(a.Messages) : string.CompareOrdinal(a.Campaign, b.Campaign));
        return rows;
    }

    private SendJournalEntry? Journal(string messageId) =>
        _journal != null && _journal.TryGetValue(messageId, out var entry) ? entry : null;

    /// <summary>Between a group's key and its pricing category in rows split by category (no market or group name holds it).</summary>
    internal const char CategorySeparator = '\u001F';

    /// <summary>The time of each message's first sent, delivered and read status, counted as <see cref="Summarize()"/> counts them.</summary>
    internal ReportTimeline Timeline()
    {
        var timeline = new ReportTimeline.Builder(_firstStatusAt, _lastStatusAt);
        for (var i = 0; i < _messages.Count; i++)
        {
            var state = _messages.ValueAt(i);
            if (state.Failed && state.Furthest < Delivered) continue;
            // Read implies delivered implies sent: a message whose earlier status is missing or came without a time
            // counts at its next status's time, so each line ends at the funnel's own count.
            var read = state.Furthest >= Read ? state.ReadAt : 0;
            var delivered = state.Furthest >= Delivered ? MessageState.Earliest(state.DeliveredAt, read) : 0;
            var sent = state.Furthest >= Sent ? MessageState.Earliest(state.SentAt, delivered) : 0;
            timeline.Add(sent, state.Furthest >= Sent, delivered, state.Furthest >= Delivered, read, state.Furthest >= Read);
        }
        return timeline.Build();
    }

    /// <summary>People whose latest marketing preference is stop, and those whose latest is resume.</summary>
    internal (int Stopped, int Resumed) OptOuts() => _optOuts.Count();

    private string KeyOf(CampaignGrouping groupBy, string? callbackData, SendJournalEntry? journal, string? recipient) => groupBy switch
    {
        CampaignGrouping.Market => Market.Of(recipient).ToString(),
        CampaignGrouping.CallbackData => callbackData ?? journal?.CallbackData ?? NoCampaign,
        CampaignGrouping.Template => journal?.TemplateName ?? NoCampaign,
        _ => AllCampaigns,
    };

    private sealed class MessageState
    {
        public byte Furthest;
        public bool Failed;
        public int? ErrorCode;
        public string? ErrorTitle;
        public string? Recipient;
        public string? CallbackData;
        public bool Billable;
        public string? PricingCategory;
        /// <summary>The delivery's actual price (pricing.cost), the first one a status named that a delivery can cost.</summary>
        public decimal? Cost;
        public string? CostCurrency;

        // The earliest time (Unix seconds; 0: none) of each status: a redelivered status keeps the first.
        public long SentAt, DeliveredAt, ReadAt;

        [MethodImpl(JitHints.AggressiveOptimization)]
        public void ApplyCost(decimal? amount, string? currency)
        {
            if (Cost is null && CostTally.IsActualPrice(amount, currency)) (Cost, CostCurrency) = (amount, currency);
        }

        /// <summary>
        /// One status of this message: the furthest state wins, whatever the order; first values seen are kept.
        /// Returns the status's time in Unix seconds (0 without one).
        /// </summary>
        [MethodImpl(JitHints.AggressiveOptimization)]
        public long Apply(string? status, string? callbackData, bool? billable, string? pricingCategory, int? errorCode, string? errorTitle,
            DateTimeOffset? timestamp)
        {
            CallbackData ??= callbackData;
            if (billable == true) Billable = true;
            PricingCategory ??= pricingCategory;
            var at = timestamp is DateTimeOffset t ? t.ToUnixTimeSeconds() : 0;
            switch (status)
            {
                case "sent": Furthest = Math.Max(Furthest, Sent); SentAt = Earliest(SentAt, at); break;
                case "delivered": Furthest = Math.Max(Furthest, Delivered); DeliveredAt = Earliest(DeliveredAt, at); break;
                case "read": Furthest = Math.Max(Furthest, Read); ReadAt = Earliest(ReadAt, at); break;
                case "failed":
                    Failed = true;
                    ErrorCode ??= errorCode;
                    ErrorTitle ??= errorTitle;
                    break;
            }
            return at;
        }

        /// <summary>The earlier of two times, where 0 is no time.</summary>
        public static long Earliest(long a, long b) => b == 0 ? a : a == 0 || b < a ? b : a;
    }

    private sealed class Tally
    {
        public Tally(RateCard? rateCard) => Cost = new CostTally(rateCard);

        public readonly CostTally Cost;
        public int Messages, Sent, Delivered, Read, Failed, Pending, Clicked, HeldForQuality, Paused;

        /// <summary>The send's answer (from the journal) said Meta holds the message or its template is paused.</summary>
        public void CountHold(SendJournalEntry? sent)
        {
            if (sent?.MessageStatus == "held_for_quality_assessment") HeldForQuality++;
            else if (sent?.MessageStatus == "paused") Paused++;
        }
        public readonly HashSet<string> Recipients = new(StringComparer.Ordinal);
        // A campaign fails with a handful of codes: a list searched in order is enough.
        private readonly List<FailureTally> _failures = new();

        /// <summary>One row per code: the first title seen for a code names it.</summary>
        public void CountFailure(int? code, string? title)
        {
            foreach (var failure in _failures)
            {
                if (failure.Code != code) continue;
                failure.Title ??= title;
                failure.Count++;
                return;
            }
            _failures.Add(new FailureTally { Code = code, Title = title, Count = 1 });
        }

        public MMCampaignSummary ToSummary(string key)
        {
            var failures = new List<MMFailureCount>(_failures.Count);
            foreach (var f in _failures) failures.Add(new MMFailureCount(f.Code, f.Title, f.Count));
            failures.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : (a.Code ?? int.MaxValue).CompareTo(b.Code ?? int.MaxValue));
            var top = new List<string>(3);
            for (var i = 0; i < failures.Count && i < 3; i++) top.Add(failures[i].ToString());
            var summary = new MMCampaignSummary
            {
                Campaign = key,
                Messages = Messages,
                Sent = Sent,
                Delivered = Delivered,
                Read = Read,
                Failed = Failed,
                HeldForQuality = HeldForQuality,
                Paused = Paused,
                Pending = Pending,
                Clicked = Clicked,
                Recipients = Recipients.Count,
                DeliveryRate = Messages == 0 ? null : (double)Delivered / Messages,
                ReadRate = Delivered == 0 ? null : (double)Read / Delivered,
                ClickRate = Delivered == 0 ? null : (double)Clicked / Delivered,
                TopFailureCodes = string.Join(", ", top),
                FailureCodes = failures,
            };
            Cost.WriteTo(summary);
            return summary;
        }
    }

    private sealed class FailureTally
    {
        public int? Code;
        public string? Title;
        public int Count;
    }
}
