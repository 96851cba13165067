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
    /// The files named; a path off the file system is a non-terminating NotAFileSystemPath, and a missing file, a wildcard
    /// that matches no file and a folder named as such are each a non-terminating WebhookFileNotFound; the rest go on
    /// (an empty funnel must not pass for a quiet campaign).
    /// </summary>
    /// <param name="parameterName">The parameter the paths came from, named in the errors.</param>
    /// <param name="notFoundNote">Added to a not-found message: what the cmdlet's own parameters take.</param>
    public static IEnumerable<string> Resolve(MMCmdlet cmdlet, IEnumerable<string> paths, bool literal, string parameterName, string notFoundNote = "")
    {
        foreach (var path in paths)
        {
            if (!cmdlet.TryFileSystemPath(path, parameterName, out var full, out var error))
            {
                cmdlet.WriteError(error!);
                continue;
            }
            var files = new List<string>();
            if (literal) files.Add(full);
            else
            {
                try { files.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out _)); }
                catch (ItemNotFoundException ex)
                {
                    cmdlet.WriteError(FileNotFound($"No webhook file at '{path}'.{notFoundNote}", path, ex));
                    continue;
                }
            }
            if (files.Count == 0)
            {
                // Brackets are wildcards to -Path: a file literally named x[1].jsonl matches nothing there.
                var brackets = path.IndexOf('[') >= 0 ? " [ ] are wildcards here: give a name with brackets to -LiteralPath." : "";
                cmdlet.WriteError(FileNotFound($"No webhook file matches '{path}'.{brackets}{notFoundNote}", path, null));
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
                else if (!Directory.Exists(file)) cmdlet.WriteError(FileNotFound($"No webhook file at '{file}'.{notFoundNote}", file, null));
                else if (literal) cmdlet.WriteError(FileNotFound($"'{file}' is a folder, not a webhook file; give the files in it (folder/*.jsonl).", file, null));
                // A folder matched by a wildcard (logs/*) is passed over: it holds no deliveries itself.
            }
            if (yielded == 0 && !literal && files.TrueForAll(Directory.Exists))
                cmdlet.WriteError(FileNotFound($"'{path}' matches only folders, no webhook file.", path, null));
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

    private static ErrorRecord FileNotFound(string message, string target, Exception? inner) =>
        ErrorRecords.Create(ErrorIds.WebhookFileNotFound, new ItemNotFoundException(message, inner), target);
}
