using System;
using System.Linq;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>
/// An account's state in one blob container, so that a runbook job on any worker continues where the last one
/// stopped: journals under <c>journals/&lt;name&gt;/</c>, each held by one run through a lease on
/// <c>locks/journals/&lt;name&gt;</c>, and suppression lists under <c>lists/&lt;name&gt;/</c>, which any number of jobs
/// append to at once (append blocks never mix).
/// </summary>
internal sealed class AzureStateStore : IStateStore
{
    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private readonly int _maxBlocks;

    internal AzureStateStore(BlobContainerClient container, TimeProvider time, int maxBlocks = AppendBlobLog.DefaultMaxBlocks)
    {
        _container = container;
        _time = time;
        _maxBlocks = maxBlocks;
        Description = container.Uri.GetLeftPart(UriPartial.Path);
    }

    public string Description { get; }

    /// <summary>The container itself, for tests that look at the blobs or play a killed run.</summary>
    internal BlobContainerClient ContainerForTests => _container;

    /// <summary>
    /// The SDK's retries, short enough that a store that stops answering ends a run in seconds rather than minutes (the
    /// SDK's own defaults wait 100 s a try): three tries of at most 5 s to the first byte of the answer, which a block
    /// of lines or a lease renewal never needs more than a fraction of; a long download is timed per read, not whole.
    /// </summary>
    internal static BlobClientOptions ClientOptions(BlobClientOptions? options = null)
    {
        options ??= new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        options.Diagnostics.IsTelemetryEnabled = false;
        return options;
    }

    /// <summary>Creates the container if it is missing and lists it once: the address, the network and the rights are
    /// checked at connect time rather than in the middle of a campaign.</summary>
    /// <exception cref="StateUnavailableException"/>
    public void Check()
    {
        Store.Call($"create the container {Description}", () =>
        {
            try { return _container.CreateIfNotExists()?.Value; }
            catch (RequestFailedException ex) when (ex.Status == 403 && ex.ErrorCode == "AuthorizationPermissionMismatch")
            {
                // A SAS or a role scoped to the container may not create it; it exists if it can be listed.
                return null;
            }
        });
        Store.Call($"list {Description}", () => _container.GetBlobs(prefix: "locks/").AsPages(pageSizeHint: 1).First());
    }

    public (ILineLog Log, IRunLock RunLock) TakeJournal(string name, string purpose, bool readOnly)
    {
        var runLock = BlobRunLock.Acquire(_container, "locks/journals/" + name, purpose, _time);
        return (new AppendBlobLog(_container, JournalFolder(name), _time, _maxBlocks, runLock.Lapsed), runLock);
    }

    public bool JournalExists(string name) =>
        Store.Call($"look for the journal {name}", () =>
        {
            try { return _container.GetBlobs(prefix: JournalFolder(name)).AsPages(pageSizeHint: 1).First().Values.Count > 0; }
            catch (RequestFailedException ex) when (Store.IsContainerMissing(ex)) { return false; }
        });

    public ILineLog ReadJournal(string name) => new AppendBlobLog(_container, JournalFolder(name), _time, _maxBlocks);

    public (ILineLog Log, Func<IDisposable>? WriterLock) SuppressionList(string name) =>
        (new AppendBlobLog(_container, "lists/" + name + "/", _time, _maxBlocks), null);

    public string? NameProblem(string name) => StateNames.Problem(name);

    private static string JournalFolder(string name) => "journals/" + name + "/";
}

/// <summary>What a journal or a list may be called in a container: one path segment that reads the same everywhere.</summary>
internal static class StateNames
{
    private const int MaxLength = 100;

    public static string? Problem(string name)
    {
        if (name.Length == 0 || name.Length > MaxLength) return $"a name is 1 to {MaxLength} characters";
        if (name == "." || name == "..") return "'.' and '..' name no journal";
        foreach (var c in name)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_') continue;
            return c is '/' or '\\' or ':'
                ? "it is a path, and state kept in Azure Storage is named, not placed in folders"
                : $"it holds '{c}', and a name holds only letters, digits, '.', '-' and '_'";
        }
        return null;
    }
}
