using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>
/// One run per journal across machines: a lease on the journal's lock blob, renewed while the run lives. A job that
/// is killed stops renewing, the lease lapses after <see cref="LeaseDuration"/>, and the next job takes it over by
/// itself (waiting up to <see cref="TakeOverWait"/> for it); a job that finds the lease held by a live run is refused
/// with the holder's details, which the lock blob's metadata keeps (host, process, start, purpose). Before every line
/// the journal writes, <see cref="Lapsed"/> says whether the lease could have run out: a run whose renewals failed
/// stops writing before another run could have taken over.
/// </summary>
internal sealed class BlobRunLock : IRunLock
{
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    // A lease still held this long after the first try was renewed since: its run is alive. A killed run's lapses before.
    internal static readonly TimeSpan TakeOverWait = LeaseDuration + TimeSpan.FromSeconds(5);
    // Writes stop this long before the lease could lapse, for the clock and the network.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(4);
    // A clean release is worth a few seconds of a closing run; the lease lapses by itself otherwise.
    private static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(5);

    private readonly BlobClient _blob;
    private readonly BlobLeaseClient _lease;
    private readonly TimeProvider _time;
    private readonly ITimer _renewal;
    private long _renewedAt;
    private int _released;

    private BlobRunLock(BlobClient blob, BlobLeaseClient lease, TimeProvider time, LockHolder holder, LockHolder? takenOverFrom, long acquiredAt)
    {
        _blob = blob;
        _lease = lease;
        _time = time;
        Holder = holder;
        TakenOverFrom = takenOverFrom;
        _renewedAt = acquiredAt;
        _renewal = time.CreateTimer(_ => Renew(), null, RenewEvery, RenewEvery);
    }

    public LockHolder Holder { get; }

    public LockHolder? TakenOverFrom { get; }

    /// <exception cref="FileLockedException">A live run holds it.</exception>
    /// <exception cref="StateUnavailableException">The store cannot be reached.</exception>
    public static BlobRunLock Acquire(BlobContainerClient container, string blobName, string purpose, TimeProvider time)
    {
        var blob = container.GetBlobClient(blobName);
        Store.InContainer(container, $"create the lock {blobName}", () =>
        {
            try { return blob.Upload(BinaryData.Empty, overwrite: false).Value; }
            catch (RequestFailedException ex) when (ex.Status == 409) { return null; } // it exists: fine
        });
        var lease = blob.GetBlobLeaseClient();
        var started = time.GetTimestamp();
        long acquiredAt;
        while (true)
        {
            // Taken before the request: the lease runs from a moment after this, so it is never thought younger than it is.
            acquiredAt = time.GetTimestamp();
            try
            {
                Store.Call($"lease {blobName}", () => lease.Acquire(LeaseDuration).Value);
                break;
            }
            catch (StateUnavailableException ex) when (ex.InnerException is RequestFailedException { Status: 409 })
            {
                // A live run renews its lease; a killed one's lapses within LeaseDuration and is taken over here.
                if (time.GetElapsedTime(started) > TakeOverWait)
                    throw new FileLockedException(container.Uri.GetLeftPart(UriPartial.Path) + "/" + blobName, ReadHolder(blob)?.Holder);
                Thread.Sleep(1000);
            }
        }
        var previous = ReadHolder(blob);
        using var process = Process.GetCurrentProcess();
        var holder = new LockHolder(Environment.MachineName, process.Id, time.GetLocalNow(), purpose);
        Store.Call($"record the holder of {blobName}", () => blob.SetMetadata(Metadata(holder, "held"), new BlobRequestConditions { LeaseId = lease.LeaseId }).Value);
        return new BlobRunLock(blob, lease, time, holder, previous is { State: "held" } p ? p.Holder : null, acquiredAt);
    }

    /// <summary>Why nothing more may be written, or null while the lease surely holds.</summary>
    public string? Lapsed()
    {
        if (Volatile.Read(ref _released) != 0) return "the journal's run lock was released";
        var since = _time.GetElapsedTime(Interlocked.Read(ref _renewedAt));
        return since < LeaseDuration - Margin ? null
            : $"the journal's lease was last renewed {since.TotalSeconds:0} s ago and may have lapsed (Azure Storage not answering): nothing more is written, so another run cannot be messaging the same people.";
    }

    private void Renew()
    {
        if (Volatile.Read(ref _released) != 0) return;
        try
        {
            var before = _time.GetTimestamp();
            _lease.Renew();
            Interlocked.Exchange(ref _renewedAt, before);
        }
        catch (Exception)
        {
            // A timer's callback must not throw (it would end the process): an answer refused, a timeout or a broken
            // connection are all tried again at the next tick, and Lapsed() stops the writes once the lease may have run out.
        }
    }

    private static (LockHolder Holder, string State)? ReadHolder(BlobClient blob)
    {
        try
        {
            var metadata = blob.GetProperties().Value.Metadata;
            if (!metadata.TryGetValue("host", out var host) || !metadata.TryGetValue("pid", out var pid) ||
                !int.TryParse(pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) return null;
            metadata.TryGetValue("purpose", out var purpose);
            metadata.TryGetValue("state", out var state);
            DateTimeOffset.TryParse(metadata.TryGetValue("started", out var s) ? s : null, CultureInfo.InvariantCulture, DateTimeStyles.None, out var started);
            return (new LockHolder(host, id, started, purpose ?? ""), state ?? "");
        }
        catch (RequestFailedException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Metadata(LockHolder holder, string state) => new()
    {
        ["host"] = holder.Host,
        ["pid"] = holder.ProcessId.ToString(CultureInfo.InvariantCulture),
        ["started"] = holder.StartedAt.ToString("o", CultureInfo.InvariantCulture),
        ["purpose"] = holder.Purpose,
        ["state"] = state,
    };

    /// <summary>Marks a clean end (so the next run takes nothing over), then releases the lease.</summary>
    public void Dispose()
    {
        var lapsed = Lapsed();
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _renewal.Dispose();
        // A lease that may have lapsed is not ours to mark; one that holds gets a few seconds, not the SDK's retries.
        if (lapsed != null) return;
        using var bounded = new CancellationTokenSource(ReleaseWait);
        try
        {
            _blob.SetMetadata(Metadata(Holder, "released"), new BlobRequestConditions { LeaseId = _lease.LeaseId }, bounded.Token);
            _lease.Release(cancellationToken: bounded.Token);
        }
        catch (Exception)
        {
            // Storage out of reach: the lease lapses by itself, and the next run takes it over and reports this one.
        }
    }
}
