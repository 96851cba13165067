using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Dialog360.MM.Core.Webhooks;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Webhooks;

/// <summary>-Path / -LiteralPath of webhook files, shared by the cmdlets that read them.</summary>
internal static class WebhookFiles
{

    /// <summary>
    /// The files named; a missing one, a wildcard that matches no file and a folder named as such are each a
    /// non-terminating WebhookFileNotFound, and the rest go on (an empty funnel must not pass for a quiet campaign).
    /// </summary>
    /// <param name="hint">For a cmdlet whose path parameters are not -Path and -LiteralPath: what to check, naming its own.</param>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, string? hint = null)
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
                cmdlet.WriteError(FileNotFound($"No webhook file at '{path}'.", path, ex, hint));
                continue;
            }
            if (files.Count == 0)
            {
                // Brackets are wildcards to -Path: a file literally named x[1].jsonl matches nothing there.
                var brackets = path.IndexOf('[') >= 0 ? " [ ] are wildcards here: give a name with brackets to -LiteralPath." : "";
                cmdlet.WriteError(FileNotFound($"No webhook file matches '{path}'.{brackets}", path, null, hint));
                continue;
            }
            var yielded = 0;
            foreach (var file in files)
            {
                if (File.Exists(file))
                {
                    yielded++;
                    yield return file;
                }
                else if (!Directory.Exists(file)) cmdlet.WriteError(FileNotFound($"No webhook file at '{file}'.", file, null, hint));
                else if (literal) cmdlet.WriteError(FileNotFound($"'{file}' is a folder, not a webhook file; give the files in it (folder/*.jsonl).", file, null, hint));
                // A folder matched by a wildcard (logs/*) is passed over: it holds no deliveries itself.
            }
            if (yielded == 0 && !literal && files.TrueForAll(Directory.Exists))
                cmdlet.WriteError(FileNotFound($"'{path}' matches only folders, no webhook file.", path, null, hint));
        }
    }

    /// <summary>
    /// The file opened for a sequential read, shared with a receiver appending to it, UTF-16 read as UTF-8 (Core:
    /// WebhookFile); null (after a WebhookFileUnreadable error) when it cannot be.
    /// </summary>
    public static Stream? Open(PSCmdlet cmdlet, string file)
    {
        try
        {
            return WebhookFile.OpenRead(file);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            cmdlet.WriteError(ErrorRecords.Create(ErrorIds.WebhookFileUnreadable, ex, file));
            return null;
        }
    }

    /// <summary>The catalog's advice names -Path and -LiteralPath; a cmdlet whose parameters are named otherwise says so in the message.</summary>
    private static ErrorRecord FileNotFound(string message, string target, Exception? inner, string? hint) =>
        ErrorRecords.Create(ErrorIds.WebhookFileNotFound, new ItemNotFoundException(hint is null ? message : message + " " + hint, inner), target);
}
