using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Messages sent, delivered and read per period of time (UTC), each message counted once, at the time of its first
/// status of that kind. The period is the smallest of a fixed set (a minute to a week) that keeps the chart to
/// <see cref="MaxBuckets"/> bars; empty periods between the first and the last are kept, so the time axis is true.
/// </summary>
internal sealed class ReportTimeline
{
    public const int MaxBuckets = 36;
    private const long Minute = 60, Hour = 60 * Minute, Day = 24 * Hour, Week = 7 * Day;
    private static readonly long[] Sizes = { Minute, 5 * Minute, 15 * Minute, 30 * Minute, Hour, 3 * Hour, 6 * Hour, 12 * Hour, Day, Week };

    private ReportTimeline(DateTimeOffset? first, DateTimeOffset? last, TimeSpan bucketSize, IReadOnlyList<Bucket> buckets,
        int untimedSent, int untimedDelivered, int untimedRead)
    {
        First = first;
        Last = last;
        BucketSize = bucketSize;
        Buckets = buckets;
        UntimedSent = untimedSent;
        UntimedDelivered = untimedDelivered;
        UntimedRead = untimedRead;
    }

    /// <summary>The first and the last status seen (any status, failed ones too); null without any time.</summary>
    public DateTimeOffset? First { get; }
    public DateTimeOffset? Last { get; }
    public TimeSpan BucketSize { get; }
    public IReadOnlyList<Bucket> Buckets { get; }

    /// <summary>Messages counted in the funnel whose statuses came without a time: in no bucket.</summary>
    public int UntimedSent { get; }
    public int UntimedDelivered { get; }
    public int UntimedRead { get; }

    public sealed class Bucket
    {
        internal Bucket(DateTimeOffset start) => Start = start;

        public DateTimeOffset Start { get; }
        public int Sent { get; internal set; }
        public int Delivered { get; internal set; }
        public int Read { get; internal set; }
    }

    /// <summary>
    /// The bucket size for a span: the smallest of the fixed sizes that needs at most <see cref="MaxBuckets"/> buckets;
    /// past 36 weeks, as many weeks as keep it so (a stray timestamp years away must not make thousands of bars).
    /// </summary>
    internal static long BucketSeconds(long first, long last)
    {
        foreach (var size in Sizes)
            if (Floor(last, size) - Floor(first, size) < size * MaxBuckets) return size;
        var weeks = (Floor(last, Week) - Floor(first, Week)) / Week / MaxBuckets + 1;
        return weeks * Week;
    }

    // Weeks start on Monday (the Unix epoch was a Thursday), and so do runs of weeks; shorter periods on multiples of their size.
    private static long Floor(long at, long size)
    {
        var shift = size % Week == 0 ? 3 * Day : 0;
        var t = at + shift;
        var floor = t - (((t % size) + size) % size);
        return floor - shift;
    }

    internal sealed class Builder
    {
        private readonly long _first, _last, _size, _start;
        private readonly Bucket[] _buckets;
        private int _untimedSent, _untimedDelivered, _untimedRead;

        /// <param name="first">The first status time seen (Unix seconds; 0: none).</param>
        /// <param name="last">The last status time seen: every time added lies between the two.</param>
        public Builder(long first, long last)
        {
            _first = first;
            _last = last;
            if (first == 0)
            {
                _buckets = Array.Empty<Bucket>();
                return;
            }
            _size = BucketSeconds(first, last);
            _start = Floor(first, _size);
            _buckets = new Bucket[(int)((Floor(last, _size) - _start) / _size) + 1];
            for (var i = 0; i < _buckets.Length; i++) _buckets[i] = new Bucket(DateTimeOffset.FromUnixTimeSeconds(_start + i * _size));
        }

        /// <summary>One message: the time of each state it reached (0: reached, but without a time).</summary>
        public void Add(long sent, bool isSent, long delivered, bool isDelivered, long read, bool isRead)
        {
            if (isSent) { if (sent == 0) _untimedSent++; else At(sent).Sent++; }
            if (isDelivered) { if (delivered == 0) _untimedDelivered++; else At(delivered).Delivered++; }
            if (isRead) { if (read == 0) _untimedRead++; else At(read).Read++; }
        }

        private Bucket At(long t) => _buckets[(int)((Floor(t, _size) - _start) / _size)];

        public ReportTimeline Build() => _first == 0
            ? new ReportTimeline(null, null, TimeSpan.Zero, _buckets, _untimedSent, _untimedDelivered, _untimedRead)
            : new ReportTimeline(DateTimeOffset.FromUnixTimeSeconds(_first), DateTimeOffset.FromUnixTimeSeconds(_last),
                TimeSpan.FromSeconds(_size), _buckets, _untimedSent, _untimedDelivered, _untimedRead);
    }
}
