using System;
using System.Collections.Generic;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.State;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Completion;
using Dialog360.MM.Errors;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Sending;

/// <summary>
/// Binds each record, checks it and asks ShouldProcess on the pipeline thread, hands it to a CampaignRunner, and
/// writes what the runner's workers finished (results, errors, retries in -Verbose, progress) back on this thread.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "MarketingMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MMSendResult))]
public sealed class SendMarketingMessageCommand : MMCmdlet
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Phone", "PhoneNumber", "Mobile", "WaId", "Recipient")]
    [AllowEmptyString]
    public string[] To { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(TemplateNameCompleter))]
    public string TemplateName { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LanguageCodeCompleter))]
    public string LanguageCode { get; set; } = "en";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public object[]? BodyParameter { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? BodyParameterProperty { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object[]? HeaderParameter { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object[]? ButtonParameter { get; set; }

    [Parameter]
    public object[]? Component { get; set; }

    [Parameter]
    public ProductPolicy? ProductPolicy { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CallbackData { get; set; }

    [Parameter]
    public SwitchParameter ActivitySharing { get; set; }

    [Parameter]
    public TimeSpan? TimeToLive { get; set; }

    [Parameter]
    public SwitchParameter UseCloudApi { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DefaultRegion { get; set; }

    [Parameter]
    [ValidateRange(1, 4096)]
    public int ThrottleLimit { get; set; } = CampaignOptions.DefaultThrottleLimit;

    [Parameter]
    [ValidateRange(0.1, 10_000)]
    public double MessagesPerSecond { get; set; }

    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 3;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    [Parameter]
    public SwitchParameter RetryUnknown { get; set; }

    [Parameter]
    public SwitchParameter RetryFailed { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SuppressionPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SendWindow { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    [Parameter]
    public TimeSpan? WaitForWindow { get; set; }

    [Parameter]
    public SwitchParameter SkipTemplateCheck { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>The whole pipeline record, for -BodyParameterProperty.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private ConnectedAccount? _account;
    private MessageParts? _parts;
    private (object[]? Body, object[]? Header, object[]? Buttons) _partsFrom;
    private SendJournal? _journal;
    private CampaignRunner? _runner;
    private RecipientGate? _gate;
    private Core.Time.SendWindow? _window;
    private CampaignIdentity? _campaign;
    private SuppressionList? _suppression;
    // The list holds back marketing sends only: everything on the MM route, and on -UseCloudApi what the template check
    // found to be MARKETING (or could not tell, with -SkipTemplateCheck).
    private bool _marketing = true;
    private WindowWait? _windowWait;
    private readonly HashSet<(string, string)> _checked = new();
    private readonly ProgressRecord _progress = new(1, "Send-MarketingMessage", "Starting");
    private DateTime _lastProgress = DateTime.MinValue;
    private int _row;
    private bool _verbose;

    protected override void BeginProcessing()
    {
        // Everything that is the same for every recipient is checked once, before anything is sent.
        try
        {
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(TemplateName))) TemplateMessage.ValidateTemplateName(TemplateName);
            if (bound.ContainsKey(nameof(LanguageCode))) TemplateMessage.ValidateLanguage(LanguageCode);
            if (bound.ContainsKey(nameof(CallbackData))) TemplateMessage.ValidateCallbackData(CallbackData);
            if (TimeToLive != null)
                throw new MessageValidationException("TimeToLive", ErrorIds.TimeToLiveOnTemplate.Id,
                    "-TimeToLive is no longer sent with each message: Meta takes a marketing message's time-to-live from its template " +
                    "(message_send_ttl_seconds), and its send payload has no such field. Set it on the template: " +
                    "New-MMTemplate -Name <name> ... -TimeToLive (New-TimeSpan -Days 1), then send without -TimeToLive.");
            if (BodyParameter != null && BodyParameterProperty != null)
                throw new MessageValidationException("BodyParameterProperty", ValidationReason.ConflictingBodyParameters,
                    "Give either -BodyParameter (the same values for everyone) or -BodyParameterProperty (values from each row's columns), not both.");
            _parts = MessageParts.Create(BodyParameter, HeaderParameter, ButtonParameter, Component);
            _partsFrom = (BodyParameter, HeaderParameter, ButtonParameter);
            if (DefaultRegion != null) PhoneNumber.ValidateRegion(DefaultRegion);
            if (TimeZone != null && SendWindow is null)
                throw new MessageValidationException("TimeZone", ValidationReason.InvalidTimeZone, "-TimeZone goes with -SendWindow: give the window too, e.g. -SendWindow '09:00-20:00'.");
            if (WaitForWindow != null && SendWindow is null)
                throw new MessageValidationException("WaitForWindow", ValidationReason.InvalidSendWindow, "-WaitForWindow goes with -SendWindow: give the window too.");
            _window = SendWindow is null ? null : Core.Time.SendWindow.Parse(SendWindow, TimeZone is null ? null : Core.Time.SendWindow.FindZone(TimeZone));
        }
        catch (MessageValidationException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromValidation(ex, ex.Field));
        }
        _account = ResolveAccount(Account);
        _verbose = MyInvocation.BoundParameters.TryGetValue("Verbose", out var v) ? ((SwitchParameter)v).IsPresent
            : GetVariableValue("VerbosePreference") is ActionPreference p && p != ActionPreference.SilentlyContinue && p != ActionPreference.Ignore;

        var journalPath = JournalPath is null ? null : GetUnresolvedProviderPathFromPSPath(JournalPath);
        // -WhatIf changes nothing, so it creates no journal; an existing one is still read, so the preview skips as a run would.
        if (journalPath != null && IsWhatIf && !System.IO.File.Exists(journalPath)) journalPath = null;
        if (journalPath != null) OpenJournal(journalPath);
        var route = UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages;
        OpenSuppressionList();
        _gate = new RecipientGate(new GateOptions
        {
            Journal = _journal,
            Suppressed = _suppression is null ? null : to => _marketing && _suppression.TryGet(to, out var entry) ? entry.Describe() : null,
            Window = _window,
            RetryUnknown = RetryUnknown,
            RetryFailed = RetryFailed,
        });
        if (WaitForWindow is TimeSpan wait) _windowWait = new WindowWait(DateTimeOffset.Now + wait);

        var rate = MessagesPerSecond > 0 ? MessagesPerSecond : _account.MessagesPerSecond;
        var options = new CampaignOptions
        {
            ThrottleLimit = ThrottleLimit,
            MessagesPerSecond = rate,
            MaxRetries = MaxRetries,
            Route = route,
        };
        _runner = new CampaignRunner(_account.Client, options, _journal, CancelToken);
        WriteVerbose($"Sending to {_runner.Endpoint} at {rate:0.#} messages per second, with as many requests in flight as the measured latency needs ({ThrottleLimit} at most).");
    }

    /// <summary>
    /// Takes the journal for this run (one run per journal, on every OS) and reads it. With -TemplateName given, a journal
    /// of another campaign stops the run here, before anything is sent.
    /// </summary>
    private void OpenJournal(string path)
    {
        try
        {
            _journal = SendJournal.Open(path, readOnly: IsWhatIf);
        }
        catch (FileLockedException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalInUse, ex, JournalPath));
        }
        catch (JournalException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, JournalPath,
                "Restore the journal from a backup, or give a new -JournalPath (recipients the old one recorded would be sent again)."));
        }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable,
                new System.IO.IOException($"JournalPath '{JournalPath}' cannot be opened: {ex.Message}", ex), JournalPath));
        }
        if (_journal!.TakenOverFrom is { } stale)
            WriteWarning($"The journal was last held by a run that ended without closing it ({stale}); this run takes it over. " +
                         "Recipients that run left in doubt come back as Unknown.");
        WriteVerbose($"Journal {path}: {_journal.Count} recipient(s) already recorded.");
        if (MyInvocation.BoundParameters.ContainsKey(nameof(TemplateName)))
        {
            try { _journal.Claim(Identity(TemplateName, LanguageCode)); }
            catch (JournalMismatchException ex)
            {
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalMismatch, ex, JournalPath));
            }
        }
    }

    /// <summary>-SuppressionPath, or the account's list (Connect-MMAccount -SuppressionPath).</summary>
    private void OpenSuppressionList()
    {
        var path = SuppressionPath is null ? _account!.SuppressionPath : GetUnresolvedProviderPathFromPSPath(SuppressionPath);
        if (path is null) return;
        try { _suppression = SuppressionList.Load(path); }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
                new System.IO.IOException($"SuppressionPath '{path}' cannot be read: {ex.Message}", ex), path));
        }
        WriteVerbose($"Suppression list {path}: {_suppression!.Entries.Count} number(s) held back from marketing sends.");
    }

    /// <summary>A send refused with 131050 (the person stopped marketing messages) goes on the list in use, for every later run.</summary>
    private void Learn(MMSendResult result)
    {
        if (_suppression is null || IsWhatIf || SuppressionEntry.FromSendResult(result) is not { } entry) return;
        try { _suppression.Add(new[] { entry }); }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            WriteWarning($"+{result.To} refused with 131050 could not be added to the suppression list {_suppression.Path}: {ex.Message} Add it with Add-MMSuppression.");
        }
    }

    private CampaignIdentity Identity(string template, string language)
    {
        if (_campaign is { } last && last.TemplateName == template && last.LanguageCode == language) return last;
        return _campaign = new CampaignIdentity(template, language, (UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages).ToString(),
            _account!.Client.Key.ToString());
    }

    protected override void ProcessRecord()
    {
        foreach (var input in To)
        {
            _row++;
            var message = Build(input);
            if (message is null || !Admitted(message, input)) continue;
            if (!ShouldProcess($"+{message.To}", $"Send template '{message.TemplateName}' ({message.LanguageCode}) via {_runner!.Endpoint}"))
                continue;
            Dispatch(message, input);
        }
    }

    /// <summary>Asks the gate; writes the result (and error) of a recipient it holds back. True: send it now.</summary>
    private bool Admitted(TemplateMessage message, string input)
    {
        GateDecision decision;
        try { decision = _gate!.Decide(message, Identity(message.TemplateName, message.LanguageCode)); }
        catch (MessageValidationException ex)
        {
            // A number whose local time cannot be known: that row alone is not sent.
            WriteError(ErrorRecords.FromValidation(ex, input));
            WriteObject(MMSendResult.Failed(message.To, message.TemplateName, ex.Reason, ex.Message, null, DateTimeOffset.Now));
            return false;
        }
        switch (decision.Verdict)
        {
            case GateVerdict.Send:
                return true;
            case GateVerdict.InDoubt:
                WriteError(ErrorRecords.Create(ErrorIds.SendInDoubt, new InvalidOperationException($"{message.To}: {decision.Result!.ErrorMessage}"), input));
                break;
            case GateVerdict.JournalMismatch:
                WriteError(ErrorRecords.Create(ErrorIds.JournalMismatch, decision.Error!, input,
                    "One journal per template and language: run rows of this template with a -JournalPath of their own."));
                break;
            case GateVerdict.Settled when _windowWait?.CanHold(decision.Result!) == true:
                // -WaitForWindow: confirmed now, sent when its window opens (EndProcessing).
                if (ShouldProcess($"+{message.To}", $"Send template '{message.TemplateName}' ({message.LanguageCode}) at {decision.Result!.NotBefore:u}"))
                    _windowWait.Hold(decision.Result, message, input);
                return false;
        }
        WriteObject(decision.Result);
        return false;
    }

    private void Dispatch(TemplateMessage message, string input)
    {
        // Built only when -Verbose is on: at 1,000 messages a second the strings alone are worth sparing.
        if (_verbose) WriteVerbose($"POST {_runner!.Endpoint} to {message.To}: template {message.TemplateName} ({message.LanguageCode}).");
        while (!_runner!.TryAdd(message, input, Poll)) WriteFinishedOrStop();
        WriteFinished();
    }

    /// <summary>-WaitForWindow: sends each kept recipient when its window opens, with progress while it waits.</summary>
    private void SendHeld()
    {
        if (_windowWait is null || _windowWait.Count == 0) return;
        var waiting = new ProgressRecord(2, "Send-MarketingMessage", "Waiting for send windows") { ParentActivityId = 1 };
        while (_windowWait.NextOpening is DateTimeOffset next)
        {
            foreach (var (message, input) in _windowWait.TakeDue(DateTimeOffset.Now)) Dispatch(message, input);
            if (_windowWait.NextOpening is not DateTimeOffset opening) break;
            var now = DateTimeOffset.Now;
            waiting.StatusDescription = $"{_windowWait.Count} recipient(s) kept; the next window opens at {opening:u}";
            waiting.SecondsRemaining = (int)Math.Max(0, (_windowWait.LastOpening!.Value - now).TotalSeconds);
            WriteProgress(waiting);
            var pause = opening - now;
            if (CancelToken.WaitHandle.WaitOne(pause < Poll ? (pause > TimeSpan.Zero ? pause : TimeSpan.Zero) : TimeSpan.FromMilliseconds(250))) WriteFinishedOrStop();
            WriteFinished();
        }
        waiting.RecordType = ProgressRecordType.Completed;
        WriteProgress(waiting);
    }

    protected override void EndProcessing()
    {
        if (_runner is null) return;
        SendHeld();
        _runner.Complete();
        while (!_runner.WaitForAll(Poll)) WriteFinishedOrStop();
        WriteFinished();
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
        WriteVerbose($"Done: {_runner.Accepted} accepted, {_runner.Failed} not accepted, in {_runner.Elapsed.TotalSeconds:0.0} s" +
                     (_runner.Latency is TimeSpan latency
                         ? $" (API latency {latency.TotalMilliseconds:0} ms on average; {_runner.InFlightLimit} requests in flight allowed at the end)."
                         : "."));
        if (_runner.HeldForQuality + _runner.Paused > 0)
            WriteWarning($"{_runner.HeldForQuality + _runner.Paused} accepted message(s) are not on their way yet: {_runner.HeldForQuality} held for quality assessment, " +
                         $"{_runner.Paused} paused (message_status in their results). Meta releases or fails them later (132015: template paused); " +
                         "watch the status webhooks before sending more with this template.");
    }

    /// <summary>
    /// After Ctrl+C nothing more is dispatched; requests on the wire get the runner's grace period to answer and be
    /// journaled, then the pipeline ends.
    /// </summary>
    private void WriteFinishedOrStop()
    {
        if (CancelToken.IsCancellationRequested)
        {
            _runner!.WaitForAll(TimeSpan.FromSeconds(10));
            throw new PipelineStoppedException();
        }
        WriteFinished();
    }

    /// <summary>The message for one recipient, or null after writing why it cannot be sent (the batch goes on).</summary>
    private TemplateMessage? Build(string input)
    {
        try
        {
            var parts = PartsForThisRecord();
            var body = BodyParameterProperty is null ? parts.Body : FromColumns(BodyParameterProperty);
            var to = PhoneNumber.Normalize(input, "To", DefaultRegion);
            // The message validates its name and language (once); only a valid one is checked against the account.
            var message = new TemplateMessage(to, TemplateName, LanguageCode, body, ActivitySharing,
                parts.Header, parts.Buttons, parts.Components, ProductPolicy, CallbackData);
            EnsureTemplateChecked(body.Count);
            return message;
        }
        catch (MessageValidationException ex)
        {
            var error = new MessageValidationException(ex.Field, ex.Reason, $"Row {_row}: {ex.Message}");
            WriteError(ErrorRecords.FromValidation(error, input));
            WriteObject(MMSendResult.Failed(input ?? string.Empty, TemplateName, ex.Reason, error.Message, null, DateTimeOffset.Now));
            return null;
        }
    }

    /// <summary>
    /// Once per template and language in this batch, before its first send: does the API know the template, is it
    /// approved and marketing, does the number of body values match? A mismatch stops the batch: every send would fail.
    /// </summary>
    private void EnsureTemplateChecked(int bodyParameters)
    {
        if (SkipTemplateCheck || !_checked.Add((TemplateName, LanguageCode))) return;
        IReadOnlyList<MMTemplate> templates;
        try
        {
            templates = Wait(_account!.Templates.GetAsync(CancelToken));
        }
        catch (ApiException ex) when (ex.Kind != ApiErrorKind.Authentication)
        {
            ThrowTerminatingError(ErrorRecords.Create(
                ErrorIds.TemplateCheckFailed, new InvalidOperationException($"Could not list the account's templates to check '{TemplateName}': {ex.Describe()}", ex), TemplateName,
                "Use -SkipTemplateCheck if this key cannot list templates."));
            return;
        }
        catch (ApiException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromApi(ex, TemplateName));
            return;
        }
        catch (ApiTransportException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromTransport(ex, TemplateName));
            return;
        }
        try
        {
            var template = TemplateCheck.Check(templates, TemplateName, LanguageCode, UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages, bodyParameters);
            _marketing = !UseCloudApi || string.Equals(template.Category, "MARKETING", StringComparison.OrdinalIgnoreCase);
            if (_verbose) WriteVerbose($"Template {template} is {template.Status} {template.Category} with {template.BodyParameterCount} body parameter(s).");
        }
        catch (MessageValidationException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromValidation(ex, TemplateName));
        }
    }

    private IReadOnlyList<TemplateParameter> FromColumns(string[] columns)
    {
        var row = InputObject;
        var values = new List<TemplateParameter>(columns.Length);
        for (var i = 0; i < columns.Length; i++)
        {
            var property = row?.Properties[columns[i]];
            if (property is null)
                throw new MessageValidationException("BodyParameterProperty", ValidationReason.MissingColumn,
                    $"the input has no column '{columns[i]}' (BodyParameterProperty {i + 1}): check the CSV header.");
            try { values.Add(TemplateValues.BodyParameter(MessageParts.Unwrap(property.Value), i + 1)); }
            catch (MessageValidationException ex)
            {
                throw new MessageValidationException(ex.Field, ex.Reason, $"column '{columns[i]}': {ex.Message}");
            }
        }
        return values;
    }

    /// <summary>
    /// -BodyParameter, -HeaderParameter and -ButtonParameter may come from each pipeline object's properties: the parts
    /// are converted again only when the bound values changed, so a run with the same values for all converts once.
    /// </summary>
    private MessageParts PartsForThisRecord()
    {
        if (ReferenceEquals(_partsFrom.Body, BodyParameter) && ReferenceEquals(_partsFrom.Header, HeaderParameter) &&
            ReferenceEquals(_partsFrom.Buttons, ButtonParameter))
            return _parts!;
        // Remembered only once converted: a row with bad values gets its own error, and so does the next row like it.
        var parts = MessageParts.Create(BodyParameter, HeaderParameter, ButtonParameter, Component);
        (_parts, _partsFrom) = (parts, (BodyParameter, HeaderParameter, ButtonParameter));
        return parts;
    }

    /// <summary>Writes, on the pipeline thread, what the workers have finished since the last call.</summary>
    private void WriteFinished()
    {
        if (CancelToken.IsCancellationRequested) return; // the pipeline is stopping: writing would throw
        while (_runner!.TryTakeLog(out var line)) WriteVerbose(line);
        var fatal = WriteOutcomes(EngineStopped());
        if (fatal is null && EngineStopped() is { } stopped) fatal = WriteOutcomes(stopped);
        if (fatal != null) ThrowTerminatingError(fatal);
        if ((DateTime.UtcNow - _lastProgress).TotalMilliseconds < 500) return;
        _lastProgress = DateTime.UtcNow;
        var seconds = Math.Max(_runner.Elapsed.TotalSeconds, 0.001);
        var rate = _runner.Completed / seconds;
        _progress.StatusDescription = $"{_runner.Accepted} accepted, {_runner.Failed} not accepted, {rate:0} msg/s";
        // The total is known only when the recipients came as one -To array rather than streamed down the pipeline.
        if (!MyInvocation.ExpectingInput && To.Length > 0)
        {
            _progress.PercentComplete = Math.Min(100, _runner.Completed * 100 / To.Length);
            if (rate > 0) _progress.SecondsRemaining = (int)Math.Ceiling((To.Length - _runner.Completed) / rate);
        }
        WriteProgress(_progress);
    }

    /// <summary>
    /// Writes every finished result and its error. A refused key or a business without the MM terms fails every
    /// recipient alike: the first such error stops dispatching and is returned (to end the run after the results of
    /// what was on the wire are written) instead of being repeated.
    /// </summary>
    private ErrorRecord? WriteOutcomes(ErrorRecord? fatal)
    {
        while (_runner!.TryTakeOutcome(out var outcome))
        {
            WriteObject(outcome.Result);
            Learn(outcome.Result);
            var record = outcome.Error switch
            {
                SendInDoubtException doubt => ErrorRecords.Create(ErrorIds.SendInDoubt, doubt, outcome.Input,
                    "Check the status webhooks for this number; rerun with the journal and -RetryUnknown only for those that never arrived."),
                JournalException => null, // the run ends with one JournalUnavailable error
                ApiException api => ErrorRecords.FromApi(api, outcome.Input),
                ApiTransportException transport => ErrorRecords.FromTransport(transport, outcome.Input),
                OperationCanceledException stopped => ErrorRecords.Create(ErrorIds.SendStopped, stopped, outcome.Input),
                _ => null,
            };
            if (record is null) continue;
            if (outcome.StopsTheRun)
            {
                fatal ??= StopWith(record);
                continue;
            }
            WriteError(record);
        }
        return fatal;
    }

    /// <summary>The journal cannot be written, or a worker died: the run cannot go on. Null while all is well.</summary>
    private ErrorRecord? EngineStopped()
    {
        if (_runner!.JournalFailure is { } journalFailure)
            return StopWith(ErrorRecords.Create(ErrorIds.JournalUnavailable, journalFailure, JournalPath,
                "Free disk space or fix the journal's folder, then run the same command again: what was journaled is skipped, " +
                "recipients whose answer could not be journaled come back as Unknown."));
        if (_runner.WorkerFault is { } fault)
            return StopWith(ErrorRecords.Create(ErrorIds.SendEngineFailed, new InvalidOperationException("The send engine failed: " + fault.Message, fault), null));
        return null;
    }

    /// <summary>Stops dispatching and gives the requests on the wire their grace period to answer.</summary>
    private ErrorRecord StopWith(ErrorRecord record)
    {
        _runner!.Stop();
        _runner.WaitForAll(TimeSpan.FromSeconds(30));
        return record;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _runner?.Dispose();
            _journal?.Dispose();
        }
        base.Dispose(disposing);
    }
}
