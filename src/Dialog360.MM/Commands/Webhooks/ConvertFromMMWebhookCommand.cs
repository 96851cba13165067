using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Text;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsData.ConvertFrom, "MMWebhook", DefaultParameterSetName = PathSet)]
[OutputType(typeof(MMStatusEvent), typeof(MMClickEvent), typeof(MMMessageEvent), typeof(MMUserPreferenceEvent),
    typeof(MMTemplateStatusEvent), typeof(MMTemplateCategoryEvent), typeof(MMAccountUpdateEvent), typeof(MMUnknownEvent))]
public sealed class ConvertFromMMWebhookCommand : MMCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private long _inputNumber;

    /// <summary>One delivery, a JSON array of deliveries, or JSON lines.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [AllowEmptyString]
    public string[]? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[]? LiteralPath { get; set; }

    [Parameter]
    [ValidateRange(1024, int.MaxValue)]
    public int MaxDeliveryBytes { get; set; } = WebhookReader.DefaultMaxDeliveryBytes;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var text in InputObject ?? Array.Empty<string>())
            {
                _inputNumber++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
                Convert(stream, $"input string {_inputNumber}", text);
            }
            return;
        }
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var file in WebhookFiles.Resolve(this, (literal ? LiteralPath : Path) ?? Array.Empty<string>(), literal, literal ? nameof(LiteralPath) : nameof(Path)))
        {
            var stream = WebhookFiles.Open(this, file);
            if (stream is null) continue;
            using (stream)
            {
                WriteVerbose($"Reading webhook deliveries from {file} ({(stream is FileStream bytes ? $"{bytes.Length:N0} bytes" : "UTF-16, read as UTF-8")}).");
                Convert(stream, file, file);
            }
        }
    }

    private void Convert(Stream stream, string source, object target)
    {
        // Progress by position: a UTF-16 file, read through a converter, has none to give.
        var progress = stream is FileStream ? new ProgressRecord(1, "ConvertFrom-MMWebhook", source) : null;
        var clock = Stopwatch.StartNew();
        long count = 0;
        void OnError(WebhookReadError error) => WriteError(ErrorRecords.FromWebhookRead(error, target));
        try
        {
            foreach (var e in WebhookReader.Read(stream, source, OnError, CancelToken, MaxDeliveryBytes))
            {
                WriteObject(e);
                count++;
                // Progress only on long reads, and at most a few times a second: writing it costs more than an event.
                if (progress != null && (count & 0x3FFF) == 0 && clock.ElapsedMilliseconds > 500)
                {
                    progress.PercentComplete = stream.Length > 0 ? (int)Math.Min(100, stream.Position * 100 / stream.Length) : 0;
                    progress.StatusDescription = $"{count:N0} events";
                    WriteProgress(progress);
                }
            }
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (IOException ex)
        {
            WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, target));
        }
        if (progress != null && clock.ElapsedMilliseconds > 500)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        WriteVerbose($"{source}: {count:N0} events.");
    }
}
