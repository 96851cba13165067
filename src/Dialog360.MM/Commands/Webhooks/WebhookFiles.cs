using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

/// <summary>-Path / -LiteralPath of webhook files, shared by the cmdlets that read them.</summary>
internal static class WebhookFiles
{
    /// <summary>The files named; a missing one is a non-terminating WebhookFileNotFound and the rest go on.</summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            var files = new List<string>();
            try
            {
                if (literal)
                {
                    files.Add(cmdlet.GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    files.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider));
                    if (provider.Name != "FileSystem") throw new ItemNotFoundException($"'{path}' is not a file system path.");
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException)
            {
                cmdlet.WriteError(FileNotFound(path, ex));
                continue;
            }
            foreach (var file in files)
            {
                if (File.Exists(file)) yield return file;
                else if (!Directory.Exists(file) || literal) cmdlet.WriteError(FileNotFound(file, null));
                // A directory matched by a wildcard (e.g. logs/*) is not an error: it simply holds no deliveries itself.
            }
        }
    }

    /// <summary>The file opened for a sequential read; null (after a WebhookFileUnreadable error) when it cannot be.</summary>
    public static FileStream? Open(PSCmdlet cmdlet, string file)
    {
        try
        {
            // FileShare.ReadWrite: the receiver may be appending to the file while it is read.
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            cmdlet.WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
            return null;
        }
    }

    private static ErrorRecord FileNotFound(string path, Exception? inner) => ErrorRecords.Create(ErrorIds.WebhookFileNotFound, new ItemNotFoundException($"No webhook file at '{path}'.", inner), path, "Check the path; -Path takes wildcards (logs/*.jsonl), -LiteralPath takes the name as written.");
}
