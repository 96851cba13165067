using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsDiagnostic.Measure, "MMCampaign", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(MMCampaignSummary))]
public sealed class MeasureMMCampaignCommand : MMCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private Funnel? _funnel;
    private long _events;

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public MMWebhookEvent[]? InputObject { get; set; }

    /// <summary>Webhook files, folded as they are read: no object per event crosses the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[]? LiteralPath { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxDeliveryBytes { get; set; } = WebhookReader.DefaultMaxDeliveryBytes;

    [Parameter(Position = 0)]
    public CampaignGrouping GroupBy { get; set; } = CampaignGrouping.None;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>A CSV of prices per market and category: adds EstimatedCost for the messages without an actual price (Core: RateCard).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RateCard { get; set; }

    protected override void BeginProcessing()
    {
        var rateCard = RateCard is null ? null : FunnelInput.LoadRateCard(this, RateCard);
        var journal = FunnelInput.ReadJournal(this, JournalPath, GroupBy);
        _funnel = new Funnel(GroupBy, journal, rateCard);
    }

    protected override void ProcessRecord() =>
        _events += FunnelInput.AddRecord(this, _funnel!, ParameterSetName == InputObjectSet ? InputObject ?? Array.Empty<MMWebhookEvent>() : null,
            Path, LiteralPath, MaxDeliveryBytes, CancelToken);

    protected override void EndProcessing()
    {
        WriteVerbose($"Folded {_events:N0} events.");
        IReadOnlyList<MMCampaignSummary> rows = Array.Empty<MMCampaignSummary>();
        try { rows = _funnel!.Summarize(); }
        catch (InvalidDataException ex)
        {
            // A cost past decimal's range (RateCard.MaxPrice keeps every real card far from it): the card's prices are wrong.
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidRateCard, ex, RateCard));
        }
        foreach (var row in rows) WriteObject(row);
        FunnelInput.WarnAbout(this, rows, _events, RateCard != null);
    }
}
