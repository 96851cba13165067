using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using Dialog360.MM.Core.Reporting;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

/// <summary>
/// Writes a campaign's funnel, timeline, failures, opt-outs and cost as one self-contained HTML page, from the same
/// inputs as Measure-MMCampaign and through the same fold, so its numbers are Measure-MMCampaign's.
/// </summary>
[Cmdlet(VerbsData.Export, "MMCampaignReport", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMMCampaignReportCommand : MMCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private Funnel? _funnel;
    private bool _hasJournal;
    private long _events;
    private string _outFile = "";
    private bool _write;
    private readonly List<string> _sources = new();

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public MMWebhookEvent[]? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[]? LiteralPath { get; set; }

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "Campaign report";

    [Parameter]
    public CampaignGrouping GroupBy { get; set; } = CampaignGrouping.None;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RateCard { get; set; }

    /// <summary>Get-MMTemplateAnalytics's rows: the page adds Meta's figures per template and day.</summary>
    [Parameter]
    [ValidateNotNull]
    public MMTemplateAnalytics[]? Analytics { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxDeliveryBytes { get; set; } = WebhookReader.DefaultMaxDeliveryBytes;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        // Everything that can refuse the file is checked before a month of logs is read.
        _outFile = FileSystemPath(OutFile!, nameof(OutFile));
        if (Directory.Exists(_outFile))
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.ReportWriteFailed,
                new IOException($"-OutFile '{_outFile}' is a folder: give a file name, e.g. {System.IO.Path.Combine(_outFile, "campaign-report.html")}."), OutFile));
        var folder = System.IO.Path.GetDirectoryName(_outFile);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.ReportWriteFailed,
                new DirectoryNotFoundException($"The folder of -OutFile '{_outFile}' does not exist: create it first (New-Item -ItemType Directory '{folder}')."), OutFile));
        if (File.Exists(_outFile) && !Force)
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.ReportFileExists,
                new IOException($"'{_outFile}' exists already; -Force replaces it."), OutFile));
        // Asked now, not after the reading: -WhatIf and a declined -Confirm cost nothing.
        _write = ShouldProcess(_outFile, "Write the campaign report");
        if (!_write) return;

        var rateCard = RateCard is null ? null : FunnelInput.LoadRateCard(this, RateCard);
        var journal = FunnelInput.ReadJournal(this, JournalPath, GroupBy);
        _hasJournal = journal != null;
        _funnel = new Funnel(GroupBy, journal, rateCard);
    }

    protected override void ProcessRecord()
    {
        if (!_write) return;
        _events += FunnelInput.AddRecord(this, _funnel!, ParameterSetName == InputObjectSet ? InputObject ?? Array.Empty<MMWebhookEvent>() : null,
            Path, LiteralPath, MaxDeliveryBytes, CancelToken, _sources);
    }

    protected override void EndProcessing()
    {
        if (!_write) return;
        WriteVerbose($"Folded {_events:N0} events.");
        var sources = new List<string>(_sources);
        if (ParameterSetName == InputObjectSet) sources.Add("webhook events piped in");
        if (JournalPath != null) sources.Add(System.IO.Path.GetFileName(FileSystemPath(JournalPath, nameof(JournalPath))));
        if (RateCard != null) sources.Add(System.IO.Path.GetFileName(FileSystemPath(RateCard, nameof(RateCard))));
        var analytics = (Analytics ?? Array.Empty<MMTemplateAnalytics>()).Where(a => a != null).Select(ReportAnalyticsRow.From).ToList();
        if (analytics.Count > 0) sources.Add("360dialog template analytics");
        CampaignReport report = null!;
        try
        {
            report = CampaignReport.From(_funnel!, new ReportOptions
            {
                Title = Title,
                GeneratedAt = Time.GetUtcNow(),
                Sources = sources,
                ModuleVersion = typeof(ExportMMCampaignReportCommand).Assembly.GetName().Version?.ToString(3) ?? "",
                GroupBy = GroupBy,
            }, _hasJournal).WithAnalytics(analytics);
        }
        catch (InvalidDataException ex)
        {
            // A cost past decimal's range, as in Measure-MMCampaign: the card's prices are wrong.
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidRateCard, ex, RateCard));
        }
        FunnelInput.WarnAbout(this, report.GroupBy == CampaignGrouping.None ? new[] { report.Total } : report.Groups, _events, RateCard != null);
        Write(ReportHtml.Write(report));
        WriteVerbose($"Wrote the report to {_outFile}.");
        if (PassThru) WriteObject(new FileInfo(_outFile));
    }

    /// <summary>Written beside the target and then moved over it, so a reader never sees half a page.</summary>
    private void Write(string html)
    {
        // Created since BeginProcessing looked: -Force decides again, at the last moment.
        if (File.Exists(_outFile) && !Force)
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.ReportFileExists,
                new IOException($"'{_outFile}' was created while the report was being made; -Force replaces it."), OutFile));
        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_outFile) ?? ".", "." + System.IO.Path.GetFileName(_outFile) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            File.WriteAllText(temp, html, new UTF8Encoding(false));
            if (File.Exists(_outFile)) File.Replace(temp, _outFile, null);
            else File.Move(temp, _outFile);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            try { File.Delete(temp); }
            catch (Exception cleanup) when (cleanup is IOException || cleanup is UnauthorizedAccessException) { }
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.ReportWriteFailed, ex, OutFile));
        }
    }
}
