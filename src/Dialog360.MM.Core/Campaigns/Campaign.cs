using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// One run of Send-MarketingMessage, from bound records to an ordered stream of <see cref="CampaignEvent"/>s. It owns
/// every decision of the run: the route, opening and claiming the journal, the suppression policy, the pre-send
/// template check, the <see cref="RecipientGate"/>, the wait for send windows, the <see cref="CampaignRunner"/>, and
/// what each outcome means for the user (a result, an error with its reason, the end of the run). The cmdlet binds
/// records, answers ShouldProcess through the callback it passes, and writes the events in the order they come.
/// </summary>
/// <remarks>
/// <see cref="Add"/> and <see cref="Complete"/> run on the pipeline thread and return the events to write; the
/// runner's workers add theirs (results, errors, retries) to the same channel, so one stream keeps them in order.
/// When the queue is full, <see cref="Add"/> blocks on whichever comes first, room in the queue or an event to write.
/// After Ctrl+C requests on the wire get a grace period to answer and be journaled, then an
/// <see cref="OperationCanceledException"/> ends the stream.
/// </remarks>
internal sealed class Campaign : IDisposable
{
    private static readonly TimeSpan FatalGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan WindowProgressEvery = TimeSpan.FromMilliseconds(250);

    private readonly CampaignSettings _settings;
    private readonly ApiClient _client;
    private readonly TimeProvider _time;
    private readonly CancellationToken _stop;
    private readonly Channel<CampaignEvent> _events = Channel.CreateUnbounded<CampaignEvent>();
    // Template and language -> category found by the pre-send check (null: check skipped), for the suppression policy.
    private readonly Dictionary<(string Name, string Language), string?> _checked = new();
    private SendJournal? _journal;
    private SuppressionList? _suppression;
    // Who is who: the list's pairs when a list is in use (so what this run learns is kept for later runs), shared with
    // the journal, which learns from its own lines.
    private Identities _identities = new();
    // Pairs learned from send answers that the list does not hold yet: written in batches, not one write per answer.
    private readonly ConcurrentQueue<IdentityPair> _learned = new();
    private int _learnedCount;
    private int _knownProblems;
    private const int PairBatch = 500;
    private RecipientGate _gate = null!;
    private WindowWait? _windowWait;
    private CampaignRunner _runner = null!;
    private CampaignIdentity? _claimed;
    private CampaignEvent? _fatal;
    private Task<bool>? _eventsReady;
    private long _lastProgress;
    private int _row;
    private bool _ended;

    private Campaign(CampaignSettings settings, ApiClient client, TimeProvider time, CancellationToken stop)
    {
        _settings = settings;
        _client = client;
        _time = time;
        _stop = stop;
    }

    /// <summary>Opens the journal (taken for this run, claimed for the template when it is known) and the
    /// suppression list, and starts the send engine.</summary>
    /// <exception cref="CampaignStartException">The journal or the list cannot be used; nothing was sent.</exception>
    public static Campaign Start(CampaignSettings settings, ApiClient client, CancellationToken stop, TimeProvider? time = null)
    {
        var campaign = new Campaign(settings, client, time ?? TimeProvider.System, stop);
        try
        {
            campaign.Open();
            return campaign;
        }
        catch
        {
            campaign.Dispose();
            throw;
        }
    }

    /// <summary>The route every message of this run is posted to.</summary>
    public Uri Endpoint => _runner.Endpoint;

    /// <summary>How many records the run will get, when the caller knows it (for progress): null when they stream in.</summary>
    public int? ExpectedTotal { get; set; }

    private void Open()
    {
        _settings.Engine.Route = _settings.Route;
        if (_settings.SuppressionPath is { } listPath) OpenSuppressionList(listPath);
        var journalPath = _settings.JournalPath;
        // -WhatIf changes nothing, so it creates no journal; an existing one is still read.
        if (journalPath != null && !(_settings.WhatIf && !JournalExists(journalPath))) OpenJournal(journalPath);
        _gate = new RecipientGate(new GateOptions
        {
            Journal = _journal,
            Suppressed = _suppression is null ? null : IsSuppressed,
            Window = _settings.Window,
            RetryUnknown = _settings.RetryUnknown,
            RetryFailed = _settings.RetryFailed,
            Time = _time,
        });
        if (_settings.WaitForWindow is TimeSpan wait) _windowWait = new WindowWait(_time.GetLocalNow() + wait);
        _runner = new CampaignRunner(_client, _settings.Engine, _journal, _stop, OnFinished, line => Emit(CampaignEvent.Log(line)), _time,
            _suppression is null ? null : LastLook);
        Emit(CampaignEvent.Log($"Sending to {_runner.Endpoint} at {_settings.Engine.MessagesPerSecond:0.#} messages per second, with as many requests " +
                               $"in flight as the measured latency needs ({_settings.Engine.ThrottleLimit} at most)."));
    }

    private bool JournalExists(string path)
    {
        try { return _settings.State.JournalExists(path); }
        catch (IOException ex)
        {
            throw new CampaignStartException(CampaignReason.JournalUnavailable, $"JournalPath '{path}' cannot be looked up: {ex.Message}", path, ex);
        }
    }

    private void OpenJournal(string path)
    {
        try
        {
            _journal = SendJournal.Open(_settings.State, path, _settings.WhatIf, _time, _identities);
        }
        catch (FileLockedException ex)
        {
            throw new CampaignStartException(CampaignReason.JournalInUse, ex.Message, path, ex);
        }
        catch (JournalException ex)
        {
            throw new CampaignStartException(CampaignReason.JournalUnavailable, ex.Message, path, ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new CampaignStartException(CampaignReason.JournalUnavailable, $"JournalPath '{path}' cannot be opened: {ex.Message}", path, ex);
        }
        if (_journal.TakenOverFrom is { } stale)
            Emit(CampaignEvent.Warning($"The journal was last held by a run that ended without closing it ({stale}); this run takes it over. " +
                                       "Recipients that run left in doubt come back as Unknown."));
        Emit(CampaignEvent.Log($"Journal {path}: {_journal.Count} recipient(s) already recorded."));
        if (_settings.TemplateName is { } template)
        {
            try { Claim(template, _settings.LanguageCode); }
            catch (JournalMismatchException ex)
            {
                throw new CampaignStartException(CampaignReason.JournalMismatch, ex.Message, path, ex);
            }
            catch (JournalException ex)
            {
                throw new CampaignStartException(CampaignReason.JournalUnavailable, ex.Message, path, ex);
            }
        }
    }

    private void OpenSuppressionList(string path)
    {
        try { _suppression = SuppressionList.Load(_settings.State, path); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new CampaignStartException(CampaignReason.SuppressionListUnavailable, $"SuppressionPath '{path}' cannot be read: {ex.Message}", path, ex);
        }
        if (Unreadable(_suppression) is { } problem)
            throw new CampaignStartException(CampaignReason.InvalidSuppressionEntry, problem, path);
        _knownProblems = _suppression.Problems.Count;
        _identities = _suppression.Identities;
        Emit(CampaignEvent.Log($"Suppression list {path}: {_suppression.Entries.Count} people held back from marketing sends; " +
                               $"{_identities.Count} numbers and user IDs known to name someone by another key too."));
    }

    /// <summary>
    /// One input record: its recipient as given, and its message content (read only now, so that a row whose values
    /// cannot be converted fails alone). Returns the events to write: a result for every record that is not sent now,
    /// an error for those that failed a check, and whatever the engine finished meanwhile.
    /// </summary>
    /// <param name="input">The number as given (the results' To when the row is refused).</param>
    /// <param name="userId">The person's business-scoped user ID, when the record has one.</param>
    /// <param name="templateName">The record's template, for its result when its content cannot be read.</param>
    /// <param name="confirm">ShouldProcess: (target, action) → send it?</param>
    public IEnumerable<CampaignEvent> Add(string? input, string? userId, string templateName, Func<MessageContent> content, Func<string, string, bool> confirm)
    {
        _row++;
        var message = _fatal is null && !_ended ? Prepare(input, userId, templateName, content) : null;
        input ??= userId ?? string.Empty;
        if (message != null && Admit(message, input, confirm)) return Queue(message, input);
        return Drain();
    }

    /// <summary>What happened since the last call (at the start: what opening the journal and the list had to say).</summary>
    public IEnumerable<CampaignEvent> Pending() => Drain();

    /// <summary>No more records: sends what -WaitForWindow kept when its window opens, waits for every request, and
    /// returns the rest of the stream, ending with the run's summary (or its fatal error).</summary>
    public IEnumerable<CampaignEvent> Complete()
    {
        // Called with nothing to send (no -To, no -UserId, nothing piped): say so rather than end quietly.
        if (ExpectedTotal == 0 && _row == 0 && _fatal is null)
            SetFatal(CampaignEvent.Fatal(ValidationReason.MissingRecipient, new MessageValidationException("To", ValidationReason.MissingRecipient,
                "No recipient: give -To (numbers in international format, e.g. +447911123456) or -UserId (business-scoped user IDs), " +
                "or pipe records with a phone or UserId column."), "To"));
        foreach (var e in SendHeld()) yield return e;
        _runner.Complete();
        while (!_runner.Drained.IsCompleted && _fatal is null)
        {
            foreach (var e in Drain()) yield return e;
            WaitForEvents(_runner.Drained);
        }
        KeepPairs();
        foreach (var e in Drain()) yield return e;
        if (_ended) yield break;
        _ended = true;
        yield return CampaignEvent.ForProgress(new CampaignProgress { Status = "Done", Completed = true });
        yield return CampaignEvent.Log($"Done: {_runner.Accepted} accepted, {_runner.Failed} not accepted, in {_runner.Elapsed.TotalSeconds:0.0} s" +
            (_runner.Latency is TimeSpan latency
                ? $" (API latency {latency.TotalMilliseconds:0} ms on average; {_runner.InFlightLimit} requests in flight allowed at the end)."
                : "."));
        if (_runner.HeldForQuality + _runner.Paused > 0)
            yield return CampaignEvent.Warning($"{_runner.HeldForQuality + _runner.Paused} accepted message(s) are not on their way yet: " +
                $"{_runner.HeldForQuality} held for quality assessment, {_runner.Paused} paused (message_status in their results). Meta releases " +
                "or fails them later (132015: template paused); watch the status webhooks before sending more with this template.");
    }

    /// <summary>The message for one record, or null after emitting why it cannot be sent (the batch goes on).</summary>
    private TemplateMessage? Prepare(string? input, string? userId, string templateName, Func<MessageContent> content)
    {
        TemplateMessage message;
        try
        {
            var values = content();
            var person = Person.From(input, userId, _settings.DefaultRegion);
            // The message validates its name and language; only a valid one is checked against the account.
            message = new TemplateMessage(person.Phone, person.UserId, values);
        }
        catch (MessageValidationException ex)
        {
            var error = new MessageValidationException(ex.Field, ex.Reason, $"Row {_row}: {ex.Message}");
            Emit(CampaignEvent.Refusal(ex.Reason, error, string.IsNullOrEmpty(input) ? userId : input));
            var failed = MMSendResult.Failed(input ?? string.Empty, templateName, ex.Reason, error.Message, null, _time.GetLocalNow());
            failed.UserId = userId;
            Emit(CampaignEvent.ForResult(failed));
            return null;
        }
        return CheckTemplate(message) ? message : null;
    }

    /// <summary>
    /// Once per template and language, before its first send: does the account have the template, approved, of the
    /// right category, with as many body placeholders as values? A mismatch ends the run: every send would fail.
    /// </summary>
    private bool CheckTemplate(TemplateMessage message)
    {
        var key = (message.TemplateName, message.LanguageCode);
        if (_checked.ContainsKey(key)) return true;
        if (_settings.ListTemplates is not { } list)
        {
            lock (_checked) _checked[key] = null;
            return true;
        }
        IReadOnlyList<MMTemplate> templates;
        try
        {
            templates = list(_stop).GetAwaiter().GetResult();
        }
        catch (ApiException ex) when (ex.Kind != ApiErrorKind.Authentication)
        {
            return EndWith(CampaignEvent.Fatal(CampaignReason.TemplateCheckFailed, new InvalidOperationException(
                $"Could not list the account's templates to check '{message.TemplateName}': {ex.Describe()} Use -SkipTemplateCheck if this key cannot list templates.", ex),
                message.TemplateName));
        }
        catch (Exception ex) when (ex is ApiException || ex is ApiTransportException)
        {
            return EndWith(CampaignEvent.Fatal(CampaignReason.ApiRefused, ex, message.TemplateName));
        }
        try
        {
            var template = TemplateCheck.Check(templates, message.TemplateName, message.LanguageCode, _settings.Route, message.BodyParameters.Count);
            lock (_checked) _checked[key] = template.Category;
            if (_settings.Verbose)
                Emit(CampaignEvent.Log($"Template {template} is {template.Status} {template.Category} with {template.BodyParameterCount} body parameter(s)."));
            return true;
        }
        catch (MessageValidationException ex)
        {
            return EndWith(CampaignEvent.Fatal(ex.Reason, ex, message.TemplateName));
        }
    }

    /// <summary>The journal, the gate and ShouldProcess: true when the message is to be sent now.</summary>
    private bool Admit(TemplateMessage message, string input, Func<string, string, bool> confirm)
    {
        if (_journal != null)
        {
            try { Claim(message.TemplateName, message.LanguageCode); }
            catch (JournalMismatchException ex)
            {
                Emit(CampaignEvent.Refusal(CampaignReason.JournalMismatch, ex, input));
                Emit(CampaignEvent.ForResult(Settled(message, SendStatus.Failed, CampaignReason.JournalMismatch, ex.Message)));
                return false;
            }
            catch (JournalException ex)
            {
                // The campaign line could not be written: nothing of this run can be journaled.
                Emit(CampaignEvent.ForResult(Settled(message, SendStatus.Failed, CampaignReason.JournalUnavailable, "Not sent: " + ex.Message)));
                return EndWith(CampaignEvent.Fatal(CampaignReason.JournalUnavailable, ex, _settings.JournalPath));
            }
        }
        GateDecision decision;
        RefreshList();
        try { decision = _gate.Decide(message, _identities.KeysOf(new Person(message.To, message.UserId))); }
        catch (MessageValidationException ex)
        {
            // A number whose local time cannot be known: that row alone is not sent.
            Emit(CampaignEvent.Refusal(ex.Reason, ex, input));
            Emit(CampaignEvent.ForResult(Settled(message, SendStatus.Failed, ex.Reason, ex.Message)));
            return false;
        }
        switch (decision.Verdict)
        {
            case GateVerdict.Send:
                return confirm(Target(message), $"Send template '{message.TemplateName}' ({message.LanguageCode}) via {_runner.Endpoint}");
            case GateVerdict.InDoubt:
                Emit(CampaignEvent.Refusal(CampaignReason.SendInDoubt, new InvalidOperationException($"{message.Address}: {decision.Result!.ErrorMessage}"), input));
                break;
            case GateVerdict.Settled when _windowWait?.CanHold(decision.Result!) == true:
                // -WaitForWindow: confirmed now, sent when its window opens (Complete).
                if (confirm(Target(message), $"Send template '{message.TemplateName}' ({message.LanguageCode}) at {decision.Result!.NotBefore:u}"))
                    _windowWait.Hold(decision.Result, message, input);
                return false;
        }
        Emit(CampaignEvent.ForResult(decision.Result!));
        return false;
    }

    private void Claim(string template, string language)
    {
        if (_journal is null || (_claimed is { } last && last.TemplateName == template && last.LanguageCode == language)) return;
        var identity = new CampaignIdentity(template, language, _settings.Route.ToString(), _client.Key.AccountId, _client.Key.ToString());
        _journal.Claim(identity);
        _claimed = identity;
    }

    /// <summary>
    /// A list the module cannot read in full is never taken to mean "send": nothing is sent while a line of it is not
    /// a record (a person on that line might be messaged), and the error names the lines.
    /// </summary>
    private static string? Unreadable(SuppressionList list)
    {
        var problems = list.Problems;
        if (problems.Count == 0) return null;
        return $"The suppression list '{list.Path}' has {problems.Count} line(s) that are not records, so it cannot say who stopped marketing " +
               $"messages: {string.Join("; ", problems.Take(3))}{(problems.Count > 3 ? "; …" : "")}. Nothing was sent. Fix or delete those lines, then run the command again.";
    }

    /// <summary>What others added to the list since it was last read; a list that cannot be read again stops the run.</summary>
    private void RefreshList()
    {
        if (_suppression is null) return;
        try { _suppression.Refresh(); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            SetFatal(CampaignEvent.Fatal(CampaignReason.SuppressionListUnavailable,
                new IOException($"The suppression list '{_suppression.Path}' cannot be read again: {ex.Message} Nothing more is sent.", ex), _suppression.Path));
        }
    }

    /// <summary>
    /// Just before a message's first request leaves, the list is read again for what others added meanwhile (another
    /// job, Add-MMSuppression, this run's own 131050 refusals): a person who stopped while the message waited in the
    /// queue or for their window is not sent to. A line added meanwhile that is not a record stops the run.
    /// </summary>
    private MMSendResult? LastLook(TemplateMessage message)
    {
        var list = _suppression!;
        try { list.Refresh(); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            SetFatal(CampaignEvent.Fatal(CampaignReason.SuppressionListUnavailable,
                new IOException($"The suppression list '{list.Path}' cannot be read again: {ex.Message} Nothing more is sent.", ex), list.Path));
            _runner.Stop();
            return MMSendResult.NotAccepted(message, SendStatus.Failed, CampaignReason.SuppressionListUnavailable, "Not sent: the suppression list could not be read.", null, _time.GetLocalNow());
        }
        if (list.Problems.Count > Volatile.Read(ref _knownProblems) && Unreadable(list) is { } problem)
        {
            SetFatal(CampaignEvent.Fatal(CampaignReason.InvalidSuppressionEntry, new InvalidDataException(problem), list.Path));
            _runner.Stop();
            return MMSendResult.NotAccepted(message, SendStatus.Failed, CampaignReason.InvalidSuppressionEntry, "Not sent: " + problem, null, _time.GetLocalNow());
        }
        var reason = IsSuppressed(message, _identities.KeysOf(new Person(message.To, message.UserId)));
        return reason is null ? null : MMSendResult.NotAccepted(message, SendStatus.Suppressed, "Suppressed", reason, null, _time.GetLocalNow());
    }

    /// <summary>Suppressed marketing sends: the list's reason, or null (the gate asks only when a list is in use).</summary>
    private string? IsSuppressed(TemplateMessage message, IReadOnlyList<string> keys)
    {
        string? category;
        lock (_checked) _checked.TryGetValue((message.TemplateName, message.LanguageCode), out category);
        if (!SuppressionPolicy.HoldsBack(_settings.Route, category)) return null;
        return _suppression!.Latest(keys) is { Action: SuppressionAction.Add } entry ? entry.Describe() : null;
    }

    /// <summary>ShouldProcess's target: "+447911123456", or the BSUID for a person known only by one.</summary>
    private static string Target(TemplateMessage message) => message.To != null ? "+" + message.To : message.UserId!;

    /// <summary>Queues a message for the engine, writing what comes meanwhile while the queue is full.</summary>
    private IEnumerable<CampaignEvent> Queue(TemplateMessage message, string input)
    {
        // Built only when -Verbose is on: at 1,000 messages a second the strings alone are worth sparing.
        if (_settings.Verbose) Emit(CampaignEvent.Log($"POST {_runner.Endpoint} to {message.Address}: template {message.TemplateName} ({message.LanguageCode})."));
        while (!_runner.TryQueue(message, input))
        {
            foreach (var e in Drain()) yield return e;
            if (_ended || _fatal != null) yield break;
            WaitForEvents(_runner.WaitForRoomAsync(_stop));
        }
        foreach (var e in Drain()) yield return e;
    }

    /// <summary>-WaitForWindow: queues each kept recipient when its window opens, with progress while it waits.</summary>
    private IEnumerable<CampaignEvent> SendHeld()
    {
        if (_windowWait is null || _windowWait.Count == 0) yield break;
        var waiting = new CampaignProgress { Id = 2, ParentId = 1, Activity = "Send-MarketingMessage" };
        while (_windowWait.NextOpening is not null && _fatal is null && !_ended)
        {
            foreach (var (message, input) in _windowWait.TakeDue(_time.GetLocalNow()))
                foreach (var e in Queue(message, input)) yield return e;
            if (_windowWait.NextOpening is not DateTimeOffset opening) break;
            var now = _time.GetLocalNow();
            yield return CampaignEvent.ForProgress(new CampaignProgress
            {
                Id = waiting.Id, ParentId = waiting.ParentId, Activity = waiting.Activity,
                Status = $"{_windowWait.Count} recipient(s) kept; the next window opens at {opening:u}",
                SecondsRemaining = (int)Math.Max(0, (_windowWait.LastOpening!.Value - now).TotalSeconds),
            });
            var pause = opening - now;
            var slice = pause < WindowProgressEvery ? (pause > TimeSpan.Zero ? pause : TimeSpan.Zero) : WindowProgressEvery;
            WaitForEvents(_time.Delay(slice, _stop));
            foreach (var e in Drain()) yield return e;
        }
        waiting.Status = "Done";
        waiting.Completed = true;
        yield return CampaignEvent.ForProgress(waiting);
    }

    /// <summary>
    /// The events ready now, then progress (at most twice a second). When the run must end (a fatal error, or the
    /// engine gone), it gives the requests on the wire their grace period, returns everything they finished, and ends
    /// with the fatal event. After Ctrl+C it waits for the requests on the wire, then throws.
    /// </summary>
    private IEnumerable<CampaignEvent> Drain()
    {
        if (_ended) yield break;
        if (_stop.IsCancellationRequested) StopNow();
        while (_events.Reader.TryRead(out var e)) yield return e;
        if (EngineStopped() is { } fatal)
        {
            _ended = true;
            _runner.Stop();
            _runner.WaitForAll(FatalGrace);
            while (_events.Reader.TryRead(out var e)) yield return e;
            yield return fatal;
            yield break;
        }
        if (_time.GetElapsedTime(_lastProgress) < ProgressEvery) yield break;
        _lastProgress = _time.GetTimestamp();
        yield return CampaignEvent.ForProgress(Progress());
    }

    private CampaignProgress Progress()
    {
        var seconds = Math.Max(_runner.Elapsed.TotalSeconds, 0.001);
        var rate = _runner.Completed / seconds;
        var progress = new CampaignProgress { Status = $"{_runner.Accepted} accepted, {_runner.Failed} not accepted, {rate:0} msg/s" };
        if (ExpectedTotal is int total && total > 0)
        {
            progress.PercentComplete = Math.Min(100, _runner.Completed * 100 / total);
            if (rate > 0) progress.SecondsRemaining = (int)Math.Ceiling((total - _runner.Completed) / rate);
        }
        return progress;
    }

    /// <summary>Why the run cannot go on, as its fatal event; null while all is well.</summary>
    private CampaignEvent? EngineStopped()
    {
        if (Volatile.Read(ref _fatal) is { } fatal) return fatal;
        if (_runner.JournalFailure is { } journal)
            return SetFatal(CampaignEvent.Fatal(CampaignReason.JournalUnavailable, new JournalException(journal.Message +
                " When that is fixed (disk space, the journal's folder, or storage that answers again), run the same command again: what was journaled is skipped, " +
                "recipients whose answer could not be journaled come back as Unknown.", journal), _settings.JournalPath));
        if (_runner.WorkerFault is { } fault)
            return SetFatal(CampaignEvent.Fatal(CampaignReason.SendEngineFailed, new InvalidOperationException("The send engine failed: " + fault.Message, fault), null));
        return null;
    }

    /// <summary>Ctrl+C: nothing more is dispatched; requests on the wire get their grace period, then the stream ends.</summary>
    private void StopNow()
    {
        _ended = true;
        _runner.WaitForAll(StopGrace);
        throw new OperationCanceledException(_stop);
    }

    /// <summary>
    /// Blocks until an event is ready to write, <paramref name="other"/> completes or the run is stopped: the pipeline
    /// thread sleeps while there is nothing to write.
    /// </summary>
    private void WaitForEvents(Task other)
    {
        if (_eventsReady is null || _eventsReady.IsCompleted) _eventsReady = _events.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
        try
        {
            Task.WaitAny(new Task[] { _eventsReady, other }, _stop);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Drain, next, gives the requests on the wire their grace period and ends the stream.
        }
    }

    /// <summary>A finished message, on the worker that sent it: its result, what the suppression list learns from
    /// it, and its error; a refusal that every recipient would get alike ends the run instead.</summary>
    private void OnFinished(CampaignOutcome outcome)
    {
        Emit(CampaignEvent.ForResult(outcome.Result));
        Learn(outcome.Result);
        LearnWhoIsWho(outcome.Result);
        var reason = outcome.Error switch
        {
            SendInDoubtException => CampaignReason.SendInDoubt,
            JournalException => null, // the run ends with one JournalUnavailable error
            ApiException or ApiTransportException => CampaignReason.ApiRefused,
            OperationCanceledException => CampaignReason.SendStopped,
            _ => null,
        };
        // A run that is ending on a fatal error says why once: the messages it stopped before they left get their
        // results, not an error each.
        if (reason is null || (reason == CampaignReason.SendStopped && Volatile.Read(ref _fatal) != null)) return;
        if (outcome.StopsTheRun)
        {
            SetFatal(CampaignEvent.Fatal(reason, outcome.Error!, outcome.Input));
            _runner.Stop();
            return;
        }
        Emit(CampaignEvent.Refusal(reason, outcome.Error!, outcome.Input));
    }

    /// <summary>A person who stopped marketing messages goes on the list in use, for every later run.</summary>
    private void Learn(MMSendResult result)
    {
        if (_suppression is null || _settings.WhatIf || SuppressionPolicy.Learned(result) is not { } entry) return;
        try { _suppression.Add(new[] { entry }); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            Emit(CampaignEvent.Warning($"{(result.To.Length > 0 ? "+" + result.To : result.UserId)} refused with {result.ErrorCode} could not be added to the suppression list {_suppression.Path}: {ex.Message} Add it with Add-MMSuppression."));
        }
    }

    /// <summary>
    /// A send answer names the person by the number WhatsApp knows (wa_id) and their BSUID (user_id): the run knows
    /// them by those keys from now on, and the list keeps the pair for later runs, in batches.
    /// </summary>
    private void LearnWhoIsWho(MMSendResult result)
    {
        var pair = new IdentityPair(result.To, result.UserId, waId: result.WaId);
        if (!pair.IsPair) return;
        _identities.Learn(pair);
        if (_suppression is null || _settings.WhatIf || _suppression.Holds(pair)) return;
        _learned.Enqueue(pair);
        if (Interlocked.Increment(ref _learnedCount) % PairBatch == 0) KeepPairs();
    }

    /// <summary>Writes the pairs learned so far to the list; a list that cannot be written costs a warning, not the run.</summary>
    private void KeepPairs()
    {
        var batch = new List<IdentityPair>();
        while (_learned.TryDequeue(out var pair)) batch.Add(pair);
        if (batch.Count == 0 || _suppression is null) return;
        try { _suppression.Learn(batch, "Send-MarketingMessage", _time.GetUtcNow()); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            Emit(CampaignEvent.Warning($"{batch.Count} number/user ID pair(s) from send answers could not be kept in the suppression list {_suppression.Path}: {ex.Message} " +
                                       "A stop that comes with only a user ID may not hold back a send by number until Add-MMSuppression reads the webhooks."));
        }
    }

    /// <summary>The first fatal error wins; returns the one that did.</summary>
    private CampaignEvent SetFatal(CampaignEvent fatal) => Interlocked.CompareExchange(ref _fatal, fatal, null) ?? fatal;

    private bool EndWith(CampaignEvent fatal)
    {
        SetFatal(fatal);
        return false;
    }

    private void Emit(CampaignEvent e) => _events.Writer.TryWrite(e);

    private MMSendResult Settled(TemplateMessage message, SendStatus status, string code, string text) =>
        MMSendResult.NotAccepted(message, status, code, text, null, _time.GetLocalNow());

    public void Dispose()
    {
        _runner?.Dispose();
        // A run that ended early (a fatal error, Ctrl+C) still keeps what it learned of who is who.
        try { KeepPairs(); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { }
        _journal?.Dispose();
        _events.Writer.TryComplete();
    }
}
