using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.People;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.State;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Suppression;

/// <summary>
/// What the *-MMSuppression cmdlets share: the list named by -Path or by the account (Connect-MMAccount
/// -SuppressionPath), its bad lines as non-terminating errors, and a batch written with the list-level failures mapped.
/// </summary>
public abstract class SuppressionCmdlet : MMCmdlet
{
    /// <summary>Records written per batch: one lock and one write each, so 10,000 CSV rows are a few writes, not 10,000.</summary>
    internal const int BatchSize = 1000;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    internal SuppressionList List { get; private set; } = null!;

    protected override void BeginProcessing()
    {
        // The list lives where the account keeps its state: a file, or a list in its storage container.
        var account = ResolveAccountOrNull(Account);
        var state = account?.State ?? FileStateStore.Instance;
        var path = Path != null
            ? state is FileStateStore ? ResolveListPath(this, Path, nameof(Path)) : StateName(state, Path, nameof(Path))
            : AccountListPath(account);
        try { List = SuppressionList.Load(state, path); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
                new IOException($"The suppression list '{path}' cannot be read: {ex.Message}", ex), path));
        }
        foreach (var problem in List.Problems)
            WriteError(ErrorRecords.Create(ErrorIds.InvalidSuppressionEntry, new FormatException(problem.ToString()), problem.Path));
    }

    /// <summary>
    /// A full file-system path in an existing folder; the file itself may not exist yet (the first record creates it).
    /// Otherwise a terminating error that names <paramref name="parameterName"/>.
    /// </summary>
    internal static string ResolveListPath(MMCmdlet cmdlet, string path, string parameterName)
    {
        var full = cmdlet.FileSystemPath(path, parameterName);
        var folder = System.IO.Path.GetDirectoryName(full);
        var problem = Directory.Exists(full) ? "it is a folder"
            : folder != null && !Directory.Exists(folder) ? $"the folder '{folder}' does not exist" : null;
        if (problem != null)
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
                new DirectoryNotFoundException($"-{parameterName} '{full}' cannot be a suppression list: {problem}."), path));
        return full;
    }

    private string AccountListPath(Session.ConnectedAccount? account)
    {
        if (account?.SuppressionPath is { } path) return path;
        ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
            new InvalidOperationException(account is null
                ? "No suppression list: give -Path (Add-MMSuppression -Path ./optouts.jsonl …), or connect an account with Connect-MMAccount … -SuppressionPath ./optouts.jsonl once."
                : $"The account '{account.Name}' has no suppression list: give -Path, or connect it with Connect-MMAccount -SuppressionPath ./optouts.jsonl."),
            Account));
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// The person a record names: a number (in any format people type), a business-scoped user ID (given to -UserId,
    /// or to -Phone, where it is told apart by its form), or both; else a non-terminating error and null.
    /// </summary>
    internal Person? PersonOf(string? phone, string? userId)
    {
        if (UserIdLike(phone) && string.IsNullOrWhiteSpace(userId)) (phone, userId) = (null, phone);
        try { return Person.From(phone, userId, null, "Phone", "UserId"); }
        catch (MessageValidationException ex)
        {
            WriteError(ErrorRecords.FromValidation(ex, string.IsNullOrWhiteSpace(phone) ? userId : phone));
            return null;
        }
    }

    private static bool UserIdLike(string? text) => Core.Messages.UserId.IsUserId(text);

    /// <summary>
    /// Writes the pairs the list did not know as one batch and returns how many; a list that cannot be written ends
    /// the command, as <see cref="Write"/> does.
    /// </summary>
    internal int Learn(List<IdentityPair> pairs, string source)
    {
        if (pairs.Count == 0) return 0;
        var learned = 0;
        try { learned = List.Learn(pairs, source, Time.GetUtcNow()); }
        catch (FileLockedException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListInUse,
                new FileLockedException(ex, $"{pairs.Count} pair(s) of IDs were not written."), List.Path));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
                new IOException($"The suppression list '{List.Path}' cannot be written: {ex.Message} {pairs.Count} pair(s) of IDs were not written.", ex), List.Path));
        }
        pairs.Clear();
        return learned;
    }

    /// <summary>Writes the batch; a list that cannot be written ends the command (every later batch would fail the same way).</summary>
    internal IReadOnlyList<SuppressionEntry> Write(List<SuppressionEntry> batch, bool passThru)
    {
        if (batch.Count == 0) return Array.Empty<SuppressionEntry>();
        IReadOnlyList<SuppressionEntry> written = Array.Empty<SuppressionEntry>();
        try { written = List.Append(batch); }
        catch (FileLockedException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListInUse,
                new FileLockedException(ex, $"{batch.Count} record(s) were not written."), List.Path));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.SuppressionListUnavailable,
                new IOException($"The suppression list '{List.Path}' cannot be written: {ex.Message} {batch.Count} record(s) were not written.", ex), List.Path));
        }
        batch.Clear();
        if (passThru) WriteObject(written.Select(e => new MMSuppressionEntry(e, List.Path)), enumerateCollection: true);
        return written;
    }
}
