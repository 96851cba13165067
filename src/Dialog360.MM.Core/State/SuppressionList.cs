using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Dialog360.MM.Core.Files;

namespace Dialog360.MM.Core.State;

/// <summary>
/// The numbers that must not get marketing messages: a file the admin names, in JSON lines, only ever appended to.
/// <c>{"action":"add","phone":"447911123456","reason":"stop","source":"events.jsonl:12","time":"2026-11-25T09:30:00+00:00"}</c>
/// puts a number on the list, <c>{"action":"remove",…}</c> takes it off. Per number the record with the latest
/// <c>time</c> wins, because webhook events arrive out of order: a resume older than a stop must not lift it, whichever
/// is read first. A stop and a resume of the same time tie in favour of the stop, whatever their order, so that reading
/// the same events again changes nothing. The history stays in the file for the admin to read.
/// </summary>
/// <remarks>
/// Writers take <see cref="FileLock"/> for one batch at a time (waiting up to <see cref="LockTimeout"/>), catch up with
/// what other writers appended, and write the batch with one write and a flush, so two campaigns adding at once never
/// interleave lines. Readers take no lock, so the last line they see may be half written (a writer at work, or one
/// that was killed): it is left alone, and the next writer cuts a half line off before appending. Any other line
/// that is not a record is reported in <see cref="Problems"/> with its number; the rest of the file still counts.
/// Every member is thread-safe: a campaign's workers add 131050 answers while the pipeline thread asks <see cref="TryGet"/>,
/// which never waits for the file, even while a writer waits for another process's batch.
/// </remarks>
public sealed class SuppressionList
{
    public const string Purpose = "suppression list update";

    private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };
    // _gate guards what readers see and is held only for moments, so TryGet on the pipeline thread never waits for
    // the file; _writeGate keeps this list's writers (and Refresh) in turn, including while one waits for the FileLock.
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    // Per number the record that wins the fold so far, an add or a remove: a later-read older record is compared with it.
    private readonly Dictionary<string, SuppressionEntry> _latest = new(StringComparer.Ordinal);
    private readonly List<SuppressionLineError> _problems = new();
    private long _position; // bytes of complete lines folded
    private long _lines;    // complete lines folded

    private SuppressionList(string path) => Path = path;

    /// <summary>The list file, as a full path.</summary>
    public string Path { get; }

    /// <summary>How long an append waits for another writer (a campaign or an Add-MMSuppression) to finish its batch.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the list; a file that does not exist yet is an empty list (the first append creates it).</summary>
    /// <exception cref="IOException">The file cannot be read (UnauthorizedAccessException: no permission).</exception>
    public static SuppressionList Load(string path)
    {
        var list = new SuppressionList(System.IO.Path.GetFullPath(path));
        list.Refresh();
        return list;
    }

    /// <summary>Folds in what other writers appended since the list was loaded (reads only the new part of the file).</summary>
    public void Refresh()
    {
        lock (_writeGate)
        {
            if (!File.Exists(Path)) return;
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            lock (_gate) CatchUp(stream);
        }
    }

    /// <summary>The numbers on the list now, each with the record that put it there, oldest first.</summary>
    public IReadOnlyList<SuppressionEntry> Entries
    {
        get
        {
            lock (_gate)
                return _latest.Values.Where(e => e.Action == SuppressionAction.Add).OrderBy(e => e.Time).ThenBy(e => e.Line).ToList();
        }
    }

    /// <summary>Lines that are not records (not the half last line of a writer at work), in file order.</summary>
    public IReadOnlyList<SuppressionLineError> Problems
    {
        get { lock (_gate) return _problems.ToList(); }
    }

    /// <summary>Whether <paramref name="digits"/> (normalised: digits only, international) is on the list, and why.</summary>
    public bool TryGet(string digits, out SuppressionEntry entry)
    {
        lock (_gate)
        {
            if (_latest.TryGetValue(digits, out var latest) && latest.Action == SuppressionAction.Add)
            {
                entry = latest;
                return true;
            }
        }
        entry = null!;
        return false;
    }

    /// <summary>The record that decides <paramref name="digits"/> now (a stop or a resume), or null when the list has none.</summary>
    public SuppressionEntry? Latest(string digits)
    {
        lock (_gate) return _latest.TryGetValue(digits, out var latest) ? latest : null;
    }

    /// <summary>
    /// Whether <paramref name="entry"/> decides its number over <paramref name="current"/>, which decides it now (and so
    /// whether <see cref="Append"/> writes it): a newer record does; an older one loses; of the same time, a stop beats a
    /// resume and anything else changes nothing (the same events read twice).
    /// </summary>
    public static bool Supersedes(SuppressionEntry entry, SuppressionEntry? current) =>
        current is null || entry.Time > current.Time ||
        (entry.Time == current.Time && entry.Action == SuppressionAction.Add && current.Action == SuppressionAction.Remove);

    /// <summary>Puts numbers on the list; see <see cref="Append"/>.</summary>
    /// <exception cref="ArgumentException">An entry is a remove.</exception>
    public IReadOnlyList<SuppressionEntry> Add(IEnumerable<SuppressionEntry> entries) => Append(Only(entries, SuppressionAction.Add));

    /// <summary>Takes numbers off the list; see <see cref="Append"/>.</summary>
    /// <exception cref="ArgumentException">An entry is an add.</exception>
    public IReadOnlyList<SuppressionEntry> Remove(IEnumerable<SuppressionEntry> entries) => Append(Only(entries, SuppressionAction.Remove));

    /// <summary>
    /// Appends, in order, the records that change what the list knows, as one batch, and returns them (with their
    /// line numbers). A record older than the one that decides its number now loses the fold, and one equal to it
    /// (the same events read twice) changes nothing: neither is written. A remove of a number the list has never
    /// seen is written, so that its older stop, read later, does not put the number on the list.
    /// </summary>
    /// <exception cref="FileLockedException">Another writer held the file for longer than <see cref="LockTimeout"/>.</exception>
    /// <exception cref="IOException">The file cannot be written (folder missing, disk full; UnauthorizedAccessException: no permission).</exception>
    public IReadOnlyList<SuppressionEntry> Append(IEnumerable<SuppressionEntry> entries)
    {
        var batch = entries.ToList();
        if (batch.Count == 0) return Array.Empty<SuppressionEntry>();
        lock (_writeGate)
        {
            using var held = AcquireLock();
            using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            Tail tail;
            long firstLine;
            var appended = new List<SuppressionEntry>();
            lock (_gate)
            {
                tail = CatchUp(stream);
                // Decided after catching up, under the lock: another writer's newer record is seen before this one is judged.
                var pending = new Dictionary<string, SuppressionEntry>(StringComparer.Ordinal);
                firstLine = _lines + (tail == Tail.Record ? 2 : 1);
                foreach (var entry in batch)
                {
                    if (!pending.TryGetValue(entry.Phone, out var current)) _latest.TryGetValue(entry.Phone, out current);
                    if (!Supersedes(entry, current)) continue;
                    var stored = entry.AtLine(firstLine + appended.Count);
                    pending[entry.Phone] = stored;
                    appended.Add(stored);
                }
            }
            if (appended.Count == 0) return Array.Empty<SuppressionEntry>();

            using var buffer = new MemoryStream(128 * appended.Count + 1);
            // A last line without its line break is finished; a half line (a writer killed mid-write) is cut off.
            if (tail == Tail.Record) buffer.WriteByte((byte)'\n');
            else if (tail == Tail.Half) stream.SetLength(_position);
            foreach (var e in appended) WriteRecord(buffer, e);
            stream.Seek(0, SeekOrigin.End);
            // One write and a flush per batch: the batch is whole in the file, or cut off and then ignored.
            stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            stream.Flush();

            lock (_gate)
            {
                foreach (var e in appended) Fold(e);
                _lines = firstLine - 1 + appended.Count;
                _position = stream.Length;
            }
            return appended;
        }
    }

    private static IEnumerable<SuppressionEntry> Only(IEnumerable<SuppressionEntry> entries, SuppressionAction action)
    {
        foreach (var e in entries)
        {
            if (e.Action != action)
                throw new ArgumentException($"{e} is not an {action.ToString().ToLowerInvariant()} record.", nameof(entries));
            yield return e;
        }
    }

    private FileLock AcquireLock()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { return FileLock.Acquire(Path, Purpose); }
            catch (FileLockedException) when (clock.Elapsed < LockTimeout)
            {
                // Batches take milliseconds: a short sleep, jittered so two waiting writers do not retry in step.
                Thread.Sleep(5 + (Environment.TickCount & 15));
            }
        }
    }

    private enum Tail { None, Record, Half }

    /// <summary>Folds the complete lines after <see cref="_position"/>; says what follows the last line break.</summary>
    private Tail CatchUp(FileStream stream)
    {
        var length = stream.Length - _position;
        if (length <= 0) return Tail.None;
        var bytes = new byte[length];
        stream.Position = _position;
        var read = 0;
        while (read < bytes.Length)
        {
            var n = stream.Read(bytes, read, bytes.Length - read);
            if (n == 0) break;
            read += n;
        }
        var start = 0;
        while (start < read)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start, read - start);
            if (end < 0) break;
            _lines++;
            if (TryParse(new ReadOnlySpan<byte>(bytes, start, end - start), _lines, out var entry, out var error)) { if (entry != null) Fold(entry); }
            else _problems.Add(new SuppressionLineError(Path, _lines, error));
            start = end + 1;
        }
        _position += start;
        if (start == read) return Tail.None;
        // The last line has no line break yet: a record someone wrote by hand counts; anything else is a write in progress.
        if (TryParse(new ReadOnlySpan<byte>(bytes, start, read - start), _lines + 1, out var last, out _) && last != null)
        {
            Fold(last);
            return Tail.Record;
        }
        return Tail.Half;
    }

    private void Fold(SuppressionEntry entry)
    {
        if (!_latest.TryGetValue(entry.Phone, out var current) || Supersedes(entry, current)) _latest[entry.Phone] = entry;
    }

    private static void WriteRecord(Stream buffer, SuppressionEntry e)
    {
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action", e.Action == SuppressionAction.Add ? "add" : "remove");
            w.WriteString("phone", e.Phone);
            if (e.Reason != null) w.WriteString("reason", e.Reason);
            w.WriteString("source", e.Source);
            w.WriteString("time", e.Time);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
    }

    /// <summary>False with a message for a line that is not a record; true with null for a blank line.</summary>
    private bool TryParse(ReadOnlySpan<byte> line, long number, out SuppressionEntry? entry, out string error)
    {
        entry = null;
        error = string.Empty;
        if (number == 1 && line.StartsWith(Utf8Bom)) line = line.Slice(Utf8Bom.Length);
        if (line.Length > 0 && line[line.Length - 1] == (byte)'\r') line = line.Slice(0, line.Length - 1); // edited on Windows
        if (IsBlank(line)) return true;

        string? action = null, phone = null, reason = null, source = null;
        DateTimeOffset? time = null;
        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { error = "not a JSON object"; return false; }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                r.Read();
                switch (name)
                {
                    case "action": action = Text(ref r, name); break;
                    case "phone": phone = Text(ref r, name); break;
                    case "reason": reason = Text(ref r, name); break;
                    case "source": source = Text(ref r, name); break;
                    case "time":
                        if (r.TokenType != JsonTokenType.String || !r.TryGetDateTimeOffset(out var t)) throw new FormatException("'time' is not a date and time (ISO 8601)");
                        time = t;
                        break;
                    default: r.Skip(); break; // a member a newer version writes
                }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.Read()) { error = "more than one JSON object on the line"; return false; }
        }
        catch (JsonException ex)
        {
            error = "not valid JSON (" + ex.Message.Split(new[] { " Path:", " LineNumber:" }, StringSplitOptions.None)[0] + ")";
            return false;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }

        SuppressionAction kind;
        if (action == "add") kind = SuppressionAction.Add;
        else if (action == "remove") kind = SuppressionAction.Remove;
        else { error = action == null ? "no 'action'" : $"'action' is '{action}', not 'add' or 'remove'"; return false; }
        if (phone == null || phone.Length < Messages.PhoneNumber.MinDigits || phone.Length > Messages.PhoneNumber.MaxDigits || !phone.All(c => c >= '0' && c <= '9'))
        {
            error = phone == null ? "no 'phone'" : $"'phone' is '{phone}', not an international number in digits";
            return false;
        }
        if (time == null) { error = "no 'time'"; return false; }
        entry = new SuppressionEntry(kind, phone, reason, source ?? string.Empty, time.Value, number);
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line) if (b != (byte)' ' && b != (byte)'\t') return false;
        return true;
    }

    private static string? Text(ref Utf8JsonReader r, string? name) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"'{name}' is not a string"),
    };
}
