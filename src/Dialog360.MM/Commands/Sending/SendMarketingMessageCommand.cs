using System;
using System.Collections.Generic;
using System.Management.Automation;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Storage;
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

    [Parameter]
    [AllowEmptyCollection]
    public object[]? BodyParameter { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? BodyParameterProperty { get; set; }

    [Parameter]
    public object[]? HeaderParameter { get; set; }

    [Parameter]
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
    [ValidateRange(1, 512)]
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
    public SwitchParameter SkipTemplateCheck { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>The whole pipeline record, for -BodyParameterProperty.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
        ? ((SwitchParameter)w).IsPresent
        : GetVariableValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    private ConnectedAccount? _account;
    private MessageParts? _parts;
    private SendJournal? _journal;
    private CampaignRunner? _runner;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
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
            if (TimeToLive is TimeSpan ttl) Core.Messages.TimeToLive.ToSeconds(ttl);
            if (BodyParameter != null && BodyParameterProperty != null)
                throw new MessageValidationException("BodyParameterProperty", ValidationReason.ConflictingBodyParameters,
                    "Give either -BodyParameter (the same values for everyone) or -BodyParameterProperty (values from each row's columns), not both.");
            _parts = MessageParts.Create(BodyParameter, HeaderParameter, ButtonParameter, Component);
            if (DefaultRegion != null) PhoneNumber.ValidateRegion(DefaultRegion);
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

        var rate = MessagesPerSecond > 0 ? MessagesPerSecond : _account.MessagesPerSecond;
        var options = new CampaignOptions
        {
            ThrottleLimit = ThrottleLimit,
            MessagesPerSecond = rate,
            MaxRetries = MaxRetries,
            Route = route,
        };
        _runner = new CampaignRunner(_account.Client, options, _journal, CancelToken);
        WriteVerbose($"Sending to {_runner.Endpoint} with {ThrottleLimit} concurrent requests at most and {rate:0.#} messages per second.");
    }

    /// <summary>
    /// Takes the journal for this run (one run per journal, on every OS) and reads it. With -TemplateName given, a journal
    /// of another campaign stops the run here, before anything is sent.
    /// </summary>
    private void OpenJournal(string path)
    {
        try
        {
            _journal = SendJournal.Open(path);
        }
        catch (FileLockedException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalInUse, ex, JournalPath,
                "Wait for that run to end, or stop it; two runs on one journal would send to the same people twice. " +
                "A run that was killed releases the journal by itself."));
        }
        catch (JournalException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, ex, JournalPath,
                "Restore the journal from a backup, or give a new -JournalPath (recipients the old one recorded would be sent again)."));
        }
        catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalUnavailable, new System.IO.IOException($"JournalPath '{JournalPath}' cannot be opened: {ex.Message}", ex), JournalPath,
                "Give a path in a folder you can write to; the journal is appended to, never rewritten."));
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
                ThrowTerminatingError(ErrorRecords.Create(ErrorIds.JournalMismatch, ex, JournalPath,
                    "Give this campaign a -JournalPath of its own."));
            }
        }
    }

    private CampaignIdentity Identity(string template, string language) =>
        new(template, language, (UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages).ToString(), _account!.Client.Key.ToString());

    protected override void ProcessRecord()
    {
        foreach (var input in To)
        {
            _row++;
            var message = Build(input);
            if (message is null) continue;
            if (SkipByJournal(message, input)) continue;
            if (!ShouldProcess($"+{message.To}", $"Send template '{message.TemplateName}' ({message.LanguageCode}) via {_runner!.Endpoint}"))
                continue;
            // Built only when -Verbose is on: at 1,000 messages a second the strings alone are worth sparing.
            if (_verbose) WriteVerbose($"POST {_runner.Endpoint} to {message.To}: template {message.TemplateName} ({message.LanguageCode}).");
            while (!_runner.TryAdd(message, input, Poll)) WriteFinishedOrStop();
            WriteFinished();
        }
    }

    protected override void EndProcessing()
    {
        if (_runner is null) return;
        _runner.Complete();
        while (!_runner.WaitForAll(Poll)) WriteFinishedOrStop();
        WriteFinished();
        _progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(_progress);
        WriteVerbose($"Done: {_runner.Accepted} accepted, {_runner.Failed} not accepted, in {_runner.Elapsed.TotalSeconds:0.0} s.");
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
            var body = BodyParameterProperty is null ? _parts!.Body : FromColumns(BodyParameterProperty);
            var to = PhoneNumber.Normalize(input, "To", DefaultRegion);
            EnsureTemplateChecked(body.Count);
            return new TemplateMessage(to, TemplateName, LanguageCode, body, ActivitySharing, TimeToLive,
                _parts!.Header, _parts.Buttons, _parts.Components, ProductPolicy, CallbackData);
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
        TemplateMessage.ValidateTemplateName(TemplateName);
        TemplateMessage.ValidateLanguage(LanguageCode);
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

    /// <summary>With a journal: each recipient once per campaign, whatever the reruns and duplicate rows.</summary>
    private bool SkipByJournal(TemplateMessage message, string input)
    {
        if (_journal is null) return false;
        if (!_seen.Add(message.To + "\n" + message.TemplateName))
        {
            WriteObject(Skipped(message, SendStatus.Skipped, "Duplicate", "This number came earlier in the input: sent once only."));
            return true;
        }
        try { _journal.Claim(Identity(message.TemplateName, message.LanguageCode)); }
        catch (JournalMismatchException ex)
        {
            WriteError(ErrorRecords.Create(ErrorIds.JournalMismatch, ex, input,
                "One journal per template and language: run rows of this template with a -JournalPath of their own."));
            WriteObject(Skipped(message, SendStatus.Failed, ErrorIds.JournalMismatch.Id, ex.Message));
            return true;
        }
        switch (_journal.StateOf(message.To, message.TemplateName))
        {
            case JournalState.Accepted:
                WriteObject(Skipped(message, SendStatus.Skipped, "AlreadySent", "The journal records this recipient as accepted: not sent again."));
                return true;
            case JournalState.InDoubt when !RetryUnknown:
                var result = Skipped(message, SendStatus.Unknown, "InDoubt",
                    "The journal has a request to this recipient with no answer: it may have been delivered. Not resent; use -RetryUnknown to send anyway.");
                WriteError(ErrorRecords.Create(ErrorIds.SendInDoubt, new InvalidOperationException($"{message.To}: {result.ErrorMessage}"), input, "Check the status webhooks for this number, then rerun with -RetryUnknown if it never arrived."));
                WriteObject(result);
                return true;
            default:
                return false;
        }
    }

    private static MMSendResult Skipped(TemplateMessage message, SendStatus status, string code, string text)
    {
        var result = MMSendResult.Failed(message.To, message.TemplateName, code, text, null, DateTimeOffset.Now, status);
        result.CallbackData = message.CallbackData;
        return result;
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
            if (outcome.Error is ApiException { Kind: ApiErrorKind.Authentication or ApiErrorKind.NotOnboarded })
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
            return StopWith(ErrorRecords.Create(ErrorIds.SendEngineFailed, new InvalidOperationException("The send engine failed: " + fault.Message, fault), null,
                "Run the same command again with the journal: what was sent is skipped. Please report this with the error's details."));
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
