using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Text;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

[Cmdlet(VerbsData.ConvertFrom, "MMWebhook", DefaultParameterSetName = PathSet)]
[OutputType(typeof(MMStatusEvent), typeof(MMClickEvent), typeof(MMMessageEvent), typeof(MMUnknownEvent))]
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
        foreach (var file in ResolveFiles())
        {
            Stream stream;
            try
            {
                // FileShare.ReadWrite: the receiver may be appending to the file while it is read.
                stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
                continue;
            }
            using (stream)
            {
                WriteVerbose($"Reading webhook deliveries from {file} ({stream.Length:N0} bytes).");
                Convert(stream, file, file);
            }
        }
    }

    private void Convert(Stream stream, string source, object target)
    {
        var progress = stream is FileStream ? new ProgressRecord(1, "ConvertFrom-MMWebhook", source) : null;
        var clock = Stopwatch.StartNew();
        long count = 0;
        void OnError(WebhookReadError error)
        {
            var record = ErrorRecords.Create(
                error.IsMalformedJson ? ErrorIds.InvalidWebhookJson : ErrorIds.NotAWebhookDelivery, new FormatException(error.ToString()), target,
                error.IsMalformedJson ? "Fix or remove that line; the rest was read." : "Each line must be a delivery object with \"entry\"; the rest was read.");
            WriteError(record);
        }
        try
        {
            foreach (var e in WebhookReader.Read(stream, source, OnError, CancelToken))
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

    private IEnumerable<string> ResolveFiles()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in (literal ? LiteralPath : Path) ?? Array.Empty<string>())
        {
            var files = new List<string>();
            try
            {
                if (literal)
                {
                    files.Add(GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    files.AddRange(GetResolvedProviderPathFromPSPath(path, out var provider));
                    if (provider.Name != "FileSystem") throw new ItemNotFoundException($"'{path}' is not a file system path.");
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException)
            {
                WriteError(FileNotFound(path, ex));
                continue;
            }
            foreach (var file in files)
            {
                if (File.Exists(file)) yield return file;
                else if (!Directory.Exists(file) || literal) WriteError(FileNotFound(file, null));
                // A directory matched by a wildcard (e.g. logs/*) is not an error: it simply holds no deliveries itself.
            }
        }
    }

    private static ErrorRecord FileNotFound(string path, Exception? inner) => ErrorRecords.Create(
        ErrorIds.WebhookFileNotFound, new ItemNotFoundException($"No webhook file at '{path}'.", inner), path,
        "Check the path; -Path takes wildcards (logs/*.jsonl), -LiteralPath takes the name as written.");
}
