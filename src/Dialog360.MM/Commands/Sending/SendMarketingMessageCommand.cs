using System;
using System.Collections.Generic;
using System.Management.Automation;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Completion;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Sending;

/// <summary>
/// Binds each record and hands it to a <see cref="Campaign"/>, which decides everything about the run; answers its
/// ShouldProcess questions and writes its events (results, errors, -Verbose lines, warnings, progress) in order, on
/// the pipeline thread.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "MarketingMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MMSendResult), typeof(MMSendSummary))]
public sealed class SendMarketingMessageCommand : MMCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Phone", "PhoneNumber", "Mobile", "WaId", "Recipient")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] To { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("BSUID", "user_id")]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[]? UserId { get; set; }

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

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? BidMultiplier { get; set; }

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

    /// <summary>One summary object at the end instead of a result per recipient (the journal keeps each one).</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>The whole pipeline record, for -BodyParameterProperty.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private Campaign? _campaign;
    private RecordParts? _parts;
    private MMSendSummary? _summary;

    protected override void BeginProcessing()
    {
        // Everything that is the same for every recipient is checked once, before anything is sent.
        var bound = MyInvocation.BoundParameters;
        Core.Time.SendWindow? window = null;
        try
        {
            string? Given(string name) => bound.TryGetValue(name, out var value) ? value as string : null;
            CampaignSettings.CheckOnce(Given(nameof(TemplateName)), Given(nameof(LanguageCode)), Given(nameof(CallbackData)), TimeToLive,
                BodyParameter != null && BodyParameterProperty != null, MessageParts.Unwrap(BidMultiplier), DefaultRegion);
            _parts = new RecordParts(BodyParameter, HeaderParameter, ButtonParameter, Component);
            window = CampaignSettings.ParseWindow(SendWindow, TimeZone, WaitForWindow);
        }
        catch (MessageValidationException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromValidation(ex, ex.Field));
        }
        var account = ResolveAccount(Account);
        var settings = new CampaignSettings
        {
            Route = UseCloudApi ? SendRoute.CloudApi : SendRoute.MarketingMessages,
            TemplateName = bound.ContainsKey(nameof(TemplateName)) ? TemplateName : null,
            LanguageCode = LanguageCode,
            WhatIf = IsWhatIf,
            State = account.State,
            JournalPath = JournalPath is null ? null : StatePath(account.State, JournalPath, nameof(JournalPath)),
            SuppressionPath = SuppressionPath is null ? account.SuppressionPath
                : account.State is Core.State.FileStateStore ? Suppression.SuppressionCmdlet.ResolveListPath(this, SuppressionPath, nameof(SuppressionPath))
                : StateName(account.State, SuppressionPath, nameof(SuppressionPath)),
            Window = window,
            WaitForWindow = WaitForWindow,
            RetryUnknown = RetryUnknown,
            RetryFailed = RetryFailed,
            DefaultRegion = DefaultRegion,
            ListTemplates = SkipTemplateCheck ? null : token => account.Templates.GetAsync(token),
            Engine = new CampaignOptions
            {
                ThrottleLimit = ThrottleLimit,
                MessagesPerSecond = MessagesPerSecond > 0 ? MessagesPerSecond : account.MessagesPerSecond,
                MaxRetries = MaxRetries,
            },
            Verbose = IsVerbose,
        };
        if (Summary) _summary = new MMSendSummary(settings.JournalPath, Time.GetLocalNow());
        try { _campaign = Campaign.Start(settings, account.Client, CancelToken); }
        catch (CampaignStartException ex)
        {
            ThrowTerminatingError(ErrorRecords.ForReason(ex.Reason, ex, ex.Target));
        }
        Write(_campaign!.Pending());
    }

    protected override void ProcessRecord()
    {
        IReadOnlyList<(string? Phone, string? UserId)> people = Array.Empty<(string?, string?)>();
        try { people = Person.Zip(To, UserId); }
        catch (MessageValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex, ex.Field)); }
        // The total is known only when the recipients came as one array rather than streamed down the pipeline.
        if (!MyInvocation.ExpectingInput) _campaign!.ExpectedTotal = people.Count;
        foreach (var (phone, userId) in people) Write(_campaign!.Add(phone, userId, TemplateName, Content, ShouldProcess));
    }

    protected override void EndProcessing()
    {
        Write(_campaign!.Complete());
        WriteSummary();
    }

    private void WriteSummary()
    {
        if (_summary is null) return;
        _summary.End(Time.GetLocalNow());
        WriteObject(_summary);
        _summary = null;
    }

    /// <summary>This record's message, but its recipient: read when the campaign asks, so a bad row fails alone.</summary>
    private MessageContent Content()
    {
        var parts = _parts!.For(BodyParameter, HeaderParameter, ButtonParameter);
        return new MessageContent
        {
            TemplateName = TemplateName,
            LanguageCode = LanguageCode,
            BodyParameters = BodyParameterProperty is null ? parts.Body : MessageParts.FromColumns(InputObject, BodyParameterProperty),
            HeaderParameters = parts.Header,
            Buttons = parts.Buttons,
            RawComponents = parts.Components,
            ActivitySharing = ActivitySharing,
            ProductPolicy = ProductPolicy,
            CallbackData = CallbackData,
            BidMultiplier = BidSpec.Multiplier(MessageParts.Unwrap(BidMultiplier)),
        };
    }

    /// <summary>Writes the campaign's events, in order; Ctrl+C ends the pipeline once they stop.</summary>
    private void Write(IEnumerable<CampaignEvent> events)
    {
        try
        {
            foreach (var e in events)
            {
                switch (e.Kind)
                {
                    case CampaignEventKind.Result:
                        if (_summary is null) WriteObject(e.Result);
                        else _summary.Add(e.Result!);
                        break;
                    case CampaignEventKind.Refusal: WriteError(ErrorRecords.ForReason(e.Reason!, e.Error!, e.Target)); break;
                    case CampaignEventKind.Log: WriteVerbose(e.Text); break;
                    case CampaignEventKind.Warning: WriteWarning(e.Text); break;
                    case CampaignEventKind.Progress: WriteProgress(ToRecord(e.Progress!)); break;
                    case CampaignEventKind.Fatal:
                        // What was counted is written before the run ends: the results it holds are not lost.
                        WriteSummary();
                        ThrowTerminatingError(ErrorRecords.ForReason(e.Reason!, e.Error!, e.Target)); break;
                }
            }
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private static ProgressRecord ToRecord(CampaignProgress p) => new(p.Id, p.Activity, p.Status)
    {
        ParentActivityId = p.ParentId,
        PercentComplete = p.PercentComplete,
        SecondsRemaining = p.SecondsRemaining,
        RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing) _campaign?.Dispose();
        base.Dispose(disposing);
    }
}
