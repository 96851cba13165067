using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>
/// A journal or a suppression list as append blobs: <c>&lt;folder&gt;/00000.jsonl</c>, <c>00001.jsonl</c>, … read in
/// order as one stream of lines. An append block is atomic and appends never mix, so several jobs can add to one
/// list without a lock and without losing a line. A blob takes 50,000 blocks: near that, the writer that sees it
/// starts the next segment and seals the full one, so no line can land behind what readers have read.
/// </summary>
/// <remarks>
/// Appends from many workers are committed together (group commit): a caller's lines are durable when its task
/// completes, and the lines of everyone who came meanwhile go down in one block, so a campaign's intents cost one
/// request per batch instead of one per message. <see cref="Length"/> costs a listing, so it is remembered for a
/// second (<see cref="LengthFreshness"/>): a send sees what another job added within that time.
/// </remarks>
internal sealed class AppendBlobLog : ILineLog
{
    /// <summary>Azure's limit is 50,000 blocks and 4 MiB a block; a segment is closed a little before.</summary>
    internal const int DefaultMaxBlocks = 49_000;
    private const int MaxBlockBytes = 4 * 1024 * 1024;
    internal static readonly TimeSpan LengthFreshness = TimeSpan.FromSeconds(1);

    private readonly BlobContainerClient _container;
    private readonly string _folder;
    private readonly int _maxBlocks;
    private readonly Func<string?>? _mayWrite;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<(byte[] Lines, TaskCompletionSource<bool> Done)> _pending = new();
    private bool _committing;
    private int _segment = -1;
    private long _length = -1;
    private long _lengthAt;

    /// <param name="mayWrite">Asked before each append: null to go on, else why not (a journal whose run lock may
    /// have lapsed must not write a line after another run could have taken it over).</param>
    public AppendBlobLog(BlobContainerClient container, string folder, TimeProvider time, int maxBlocks = DefaultMaxBlocks, Func<string?>? mayWrite = null)
    {
        _time = time;
        _container = container;
        _folder = folder.TrimEnd('/') + "/";
        _maxBlocks = maxBlocks;
        _mayWrite = mayWrite;
        Name = _container.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + _folder;
    }

    public string Name { get; }

    public long Length
    {
        get
        {
            lock (_gate)
                if (_length >= 0 && _time.GetElapsedTime(_lengthAt) < LengthFreshness) return _length;
            var length = Segments().Sum(s => s.Length);
            lock (_gate)
            {
                _length = length;
                _lengthAt = _time.GetTimestamp();
            }
            return length;
        }
    }

    public byte[] ReadFrom(long offset)
    {
        var output = new MemoryStream();
        long start = 0;
        foreach (var (blob, length) in Segments())
        {
            var end = start + length;
            if (end > offset && length > 0)
            {
                var from = Math.Max(0, offset - start);
                Store.Call($"read {Name}", () =>
                {
                    var range = new HttpRange(from, length - from);
                    using var content = _container.GetBlobClient(blob).DownloadStreaming(new BlobDownloadOptions { Range = range }).Value.Content;
                    content.CopyTo(output);
                    return 0;
                });
            }
            start = end;
        }
        return output.ToArray();
    }

    public Task AppendAsync(byte[] lines)
    {
        if (lines.Length == 0) return Task.CompletedTask;
        if (lines.Length > MaxBlockBytes) throw new ArgumentException("A batch of lines is larger than one append block (4 MiB).", nameof(lines));
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_gate)
        {
            _pending.Add((lines, done));
            lead = !_committing;
            if (lead) _committing = true;
        }
        if (lead) _ = CommitAsync();
        return done.Task;
    }

    /// <summary>
    /// The leader appends what is pending, block by block, until nobody is waiting; failures go to their callers. It
    /// never throws: every batch's callers hear how their lines fared.
    /// </summary>
    private async Task CommitAsync()
    {
        while (true)
        {
            List<(byte[] Lines, TaskCompletionSource<bool> Done)> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _committing = false;
                    return;
                }
                batch = new List<(byte[], TaskCompletionSource<bool>)>();
                var bytes = 0;
                while (_pending.Count > 0 && (batch.Count == 0 || bytes + _pending[0].Lines.Length <= MaxBlockBytes))
                {
                    bytes += _pending[0].Lines.Length;
                    batch.Add(_pending[0]);
                    _pending.RemoveAt(0);
                }
            }
            try
            {
                if (_mayWrite?.Invoke() is { } why) throw new StateUnavailableException(why);
                var block = new MemoryStream(batch.Sum(b => b.Lines.Length));
                foreach (var (lines, _) in batch) block.Write(lines, 0, lines.Length);
                await AppendBlockAsync(block.ToArray()).ConfigureAwait(false);
                // An append that took long (the SDK retrying) may have landed after the lease could lapse: the lines are
                // stored, but their callers hear of a failure, so no request leaves on the strength of them.
                if (_mayWrite?.Invoke() is { } late) throw new StateUnavailableException(late);
                foreach (var (_, done) in batch) done.TrySetResult(true);
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
        }
    }

    private async Task AppendBlockAsync(byte[] block)
    {
        for (var attempt = 0; ; attempt++)
        {
            var segment = CurrentSegment();
            var client = _container.GetAppendBlobClient(SegmentName(segment));
            try
            {
                var info = await Store.CallAsync($"append to {Name}", async () => (await client.AppendBlockAsync(new MemoryStream(block)).ConfigureAwait(false)).Value)
                    .ConfigureAwait(false);
                lock (_gate) _length = -1;
                if (info.BlobCommittedBlockCount >= _maxBlocks) Roll(segment);
                return;
            }
            catch (StateUnavailableException ex) when (attempt < 3 && ex.InnerException is RequestFailedException rf &&
                (rf.ErrorCode == BlobErrorCode.BlobNotFound || rf.ErrorCode == "BlobIsSealed" || rf.ErrorCode == BlobErrorCode.BlockCountExceedsLimit))
            {
                // Not there yet (a new log), sealed or full (another writer rolled over): find the last segment again.
                if (rf.ErrorCode == BlobErrorCode.BlockCountExceedsLimit) Roll(segment);
                else if (rf.ErrorCode == BlobErrorCode.BlobNotFound) Create(segment);
                lock (_gate) _segment = -1;
            }
        }
    }

    /// <summary>Starts the next segment and seals the full one, so that every writer moves on. Rare (one blob holds
    /// 49,000 appends), so done with the SDK's blocking calls.</summary>
    private void Roll(int full)
    {
        Create(full + 1);
        Store.Call($"seal {SegmentName(full)}", () =>
        {
            try { _container.GetAppendBlobClient(SegmentName(full)).Seal(); }
            catch (RequestFailedException ex) when (ex.ErrorCode == "BlobIsSealed") { }
            return 0;
        });
        lock (_gate) _segment = full + 1;
    }

    private void Create(int segment) =>
        Store.InContainer(_container, $"create {SegmentName(segment)}", () => _container.GetAppendBlobClient(SegmentName(segment)).CreateIfNotExists());

    private int CurrentSegment()
    {
        lock (_gate) if (_segment >= 0) return _segment;
        var segments = Segments();
        var last = segments.Count == 0 ? 0 : int.Parse(segments[segments.Count - 1].Blob.Substring(_folder.Length, 5), System.Globalization.CultureInfo.InvariantCulture);
        if (segments.Count == 0) Create(0);
        lock (_gate) _segment = last;
        return last;
    }

    private string SegmentName(int segment) => _folder + segment.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + ".jsonl";

    /// <summary>The segments in order, with their lengths now; none in a container that does not exist yet.</summary>
    private List<(string Blob, long Length)> Segments() =>
        Store.Call($"list {Name}", () =>
        {
            try
            {
                return _container.GetBlobs(prefix: _folder)
                    .Where(b => b.Name.Length == _folder.Length + 11 && b.Name.EndsWith(".jsonl", StringComparison.Ordinal))
                    .OrderBy(b => b.Name, StringComparer.Ordinal)
                    .Select(b => (b.Name, b.Properties.ContentLength ?? 0))
                    .ToList();
            }
            catch (RequestFailedException ex) when (Store.IsContainerMissing(ex))
            {
                return new List<(string, long)>();
            }
        });

    /// <summary>Blobs are never cut: every block is whole, so there is no half line to drop.</summary>
    public void CutTo(long length) { }
}
