using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.People;

namespace Dialog360.MM.Core.State;

/// <summary>
/// The people who must not get marketing messages: a file the admin names, in JSON lines, only ever appended to.
/// <c>{"action":"add","phone":"447911123456","reason":"stop","source":"events.jsonl:12","time":"2026-11-25T09:30:00+00:00"}</c>
/// puts a number on the list, <c>{"action":"remove",…}</c> takes it off; a record may name the person by
/// <c>userId</c> (a business-scoped user ID) instead of, or as well as, <c>phone</c>. Per person the record with the
/// latest <c>time</c> wins, because webhook events arrive out of order: a resume older than a stop must not lift it,
/// whichever is read first. A stop and a resume of the same time tie in favour of the stop, whatever their order, so
/// that reading the same events again changes nothing. The history stays in the file for the admin to read.
/// The list also keeps who is who: <c>{"action":"pair","phone":…,"userId":…,"source":…,"time":…}</c> says a number and a
/// BSUID (or two BSUIDs, or two forms of a number) name one person, learned from send answers and webhooks, so that a
/// stop that came with only a BSUID holds back a send to the number (<see cref="Identities"/>).
/// </summary>
/// <remarks>
/// Writers of a file take <see cref="FileLock"/> for one batch at a time (waiting a few seconds), catch up with
/// what other writers appended, and write the batch with one write and a flush, so two campaigns adding at once never
/// interleave lines. Readers take no lock, so the last line they see may be half written (a writer at work, or one
/// that was killed): it is left alone, and the next writer cuts a half line off before appending. Any other line
/// that is not a record is reported in <see cref="Problems"/> with its number; the rest of the file still counts.
/// Every member is thread-safe: a campaign's workers add 131050 answers while the pipeline thread asks <see cref="TryGet"/>,
/// which never waits for the file, even while a writer waits for another process's batch.
/// </remarks>
public sealed class SuppressionList
{
    public const string Purpose = FileStateStore.SuppressionListPurpose;

    private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };
    // _gate guards what readers see and is held only for moments, so TryGet on the pipeline thread never waits for
    // the file; _writeGate keeps this list's writers (and Refresh) in turn, including while one waits for the FileLock.
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    // Per person key (a number's key, a BSUID) the record that wins the fold so far, an add or a remove: a later-read
    // older record is compared with it.
    private readonly Dictionary<string, SuppressionEntry> _latest = new(StringComparer.Ordinal);
    private readonly List<SuppressionLineError> _problems = new();
    private long _position; // bytes of complete lines folded
    private long _lines;    // complete lines folded
    private bool _utf16;    // a UTF-16 file: nothing in it can be read, nothing is appended

    private readonly ILineLog _log;
    private readonly Func<IDisposable>? _writerLock;

    private SuppressionList(ILineLog log, Func<IDisposable>? writerLock)
    {
        _log = log;
        _writerLock = writerLock;
    }

    /// <summary>Where the list is: its file's full path, or its blob's address.</summary>
    public string Path => _log.Name;

    /// <summary>Who is who, as the list's pair records and every caller that shares this object have learned it.</summary>
    public Identities Identities { get; } = new();

    // What the file itself holds of who is who: the pairs already written, so that a pair is written once.
    private readonly Identities _stored = new();

    /// <summary>Reads the list file; one that does not exist yet is an empty list (the first append creates it).</summary>
    /// <exception cref="IOException">The file cannot be read (UnauthorizedAccessException: no permission).</exception>
    public static SuppressionList Load(string path) => Load(FileStateStore.Instance, path);

    /// <summary>Reads the list called <paramref name="name"/> in <paramref name="store"/>.</summary>
    /// <exception cref="IOException">It cannot be read (<see cref="StateUnavailableException"/> for a store out of reach).</exception>
    public static SuppressionList Load(IStateStore store, string name)
    {
        var (log, writerLock) = store.SuppressionList(name);
        var list = new SuppressionList(log, writerLock);
        list.Refresh();
        return list;
    }

    /// <summary>
    /// Folds in what other writers appended since the list was last read (reads only the new part; when it has not
    /// grown, only its size is looked at, so a send can ask before every request).
    /// </summary>
    public void Refresh()
    {
        var length = _log.Length;
        lock (_gate) if (length == _position) return;
        lock (_writeGate)
            lock (_gate) CatchUp();
    }

    /// <summary>The records that put someone on the list and still decide them, oldest first.</summary>
    public IReadOnlyList<SuppressionEntry> Entries
    {
        get
        {
            lock (_gate)
                return _latest.Values.Where(e => e.Action == SuppressionAction.Add).Distinct().OrderBy(e => e.Time).ThenBy(e => e.Line).ToList();
        }
    }

    /// <summary>Lines that are not records (not the half last line of a writer at work), in file order.</summary>
    public IReadOnlyList<SuppressionLineError> Problems
    {
        get { lock (_gate) return _problems.ToList(); }
    }

    /// <summary>Whether <paramref name="digits"/> (normalised: digits only, international) is on the list, and why.</summary>
    public bool TryGet(string digits, out SuppressionEntry entry) => TryGet(new Person(digits, null), out entry);

    /// <summary>Whether the person is on the list under any key known for them, and why.</summary>
    public bool TryGet(Person person, out SuppressionEntry entry)
    {
        var latest = Latest(person);
        entry = latest!;
        return latest?.Action == SuppressionAction.Add;
    }

    /// <summary>The record that decides <paramref name="digits"/> now (a stop or a resume), or null when the list has none.</summary>
    public SuppressionEntry? Latest(string digits) => Latest(new Person(digits, null));

    /// <summary>The record that decides the person now, over every key known for them; null when the list has none.</summary>
    public SuppressionEntry? Latest(Person person) => Latest(Identities.KeysOf(person));

    /// <summary>The record that decides a person known by these keys (all of theirs: <see cref="People.Identities.KeysOf"/>).</summary>
    public SuppressionEntry? Latest(IReadOnlyList<string> keys)
    {
        lock (_gate) return Decider(keys, null);
    }

    /// <summary>Of the records filed under these keys (and those pending in a batch), the one that decides.</summary>
    private SuppressionEntry? Decider(IEnumerable<string> keys, Dictionary<string, SuppressionEntry>? pending)
    {
        SuppressionEntry? decider = null;
        foreach (var key in keys)
        {
            SuppressionEntry? record = null;
            if (pending?.TryGetValue(key, out record) != true && !_latest.TryGetValue(key, out record)) continue;
            if (Supersedes(record!, decider)) decider = record;
        }
        return decider;
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
    /// <exception cref="FileLockedException">Another writer held the file for a few seconds (a list in a file).</exception>
    /// <exception cref="IOException">It cannot be written (folder missing, disk full, store out of reach; UnauthorizedAccessException: no permission).</exception>
    public IReadOnlyList<SuppressionEntry> Append(IEnumerable<SuppressionEntry> entries)
    {
        var batch = entries.ToList();
        if (batch.Count == 0) return Array.Empty<SuppressionEntry>();
        var appended = new List<SuppressionEntry>();
        WriteBatch(firstLine =>
        {
            // Decided after catching up (under the writers' lock, where the store has one): another writer's newer record
            // is seen before this one is judged, against whatever decides the person now under any key known for them.
            var pending = new Dictionary<string, SuppressionEntry>(StringComparer.Ordinal);
            foreach (var entry in batch)
            {
                var keys = Identities.KeysOf(new Person(entry.Phone, entry.UserId));
                if (!Supersedes(entry, Decider(keys, pending))) continue;
                var stored = entry.AtLine(firstLine + appended.Count);
                foreach (var key in stored.Keys) pending[key] = stored;
                appended.Add(stored);
            }
            if (appended.Count == 0) return null;
            var buffer = new MemoryStream(128 * appended.Count + 1);
            foreach (var e in appended) WriteRecord(buffer, e);
            return buffer.ToArray();
        });
        return appended;
    }

    /// <summary>
    /// Keeps who is who: appends, as one batch, the pairs that tell the list something it did not hold yet (two keys
    /// it did not yet say are one person), and returns how many. Pairs from send answers and webhooks come here, so
    /// that a later run by number is held back by a stop that came with only a BSUID.
    /// </summary>
    /// <exception cref="FileLockedException">Another writer held the file for a few seconds (a list in a file).</exception>
    /// <exception cref="IOException">It cannot be written.</exception>
    public int Learn(IEnumerable<IdentityPair> pairs, string source, DateTimeOffset time)
    {
        var batch = pairs.Where(p => p.IsPair && !Holds(p)).ToList();
        if (batch.Count == 0) return 0;
        var count = 0;
        WriteBatch(_ =>
        {
            var seen = new Identities();
            var news = batch.Where(pair => !Holds(pair) && seen.Learn(pair)).ToList();
            count = news.Count;
            if (count == 0) return null;
            var buffer = new MemoryStream(128 * count);
            foreach (var pair in news) WritePair(buffer, pair, source, time);
            return buffer.ToArray();
        });
        return count;
    }

    /// <summary>
    /// One batch: under the writers' lock (a file; an append blob needs none, its appends never mix), catch up with what
    /// others wrote, let <paramref name="compose"/> decide what to write (given the line number its first record gets),
    /// finish a hand-written last line or cut off a half one, write it in one append, and read it back in.
    /// </summary>
    private void WriteBatch(Func<long, byte[]?> compose)
    {
        lock (_writeGate)
        {
            using var held = _writerLock?.Invoke();
            Tail tail;
            byte[]? lines;
            lock (_gate)
            {
                tail = CatchUp();
                RefuseUtf16();
                lines = compose(_lines + (tail == Tail.Record ? 2 : 1));
            }
            if (lines is null) return;
            if (tail == Tail.Half) _log.CutTo(_position);
            if (tail == Tail.Record)
            {
                var withBreak = new byte[lines.Length + 1];
                withBreak[0] = (byte)'\n';
                Buffer.BlockCopy(lines, 0, withBreak, 1, lines.Length);
                lines = withBreak;
            }
            _log.AppendAsync(lines).GetAwaiter().GetResult();
            lock (_gate) CatchUp();
        }
    }

    private void RefuseUtf16()
    {
        if (_utf16) throw new IOException($"The suppression list '{Path}' is UTF-16 and cannot be appended to: save it as UTF-8 first.");
    }

    /// <summary>
    /// Whether the file already says that every key of the pair names one person. (<see cref="Identities"/> may know
    /// more: a campaign teaches it each send answer at once, and those pairs still need writing.)
    /// </summary>
    public bool Holds(IdentityPair pair)
    {
        var keys = pair.Keys;
        for (var i = 1; i < keys.Count; i++) if (!_stored.Same(keys[0], keys[i])) return false;
        return true;
    }

    private void LearnStored(IdentityPair pair)
    {
        _stored.Learn(pair);
        Identities.Learn(pair);
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

    private enum Tail { None, Record, Half }

    /// <summary>Folds the complete lines after <see cref="_position"/>; says what follows the last line break.</summary>
    private Tail CatchUp()
    {
        var bytes = _log.ReadFrom(_position);
        var read = bytes.Length;
        if (read == 0) return Tail.None;
        if (_position == 0 && read >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            // Windows PowerShell 5.1's Out-File and > write UTF-16: not one line could be read, and appending UTF-8
            // to it would make it worse. Reported as one problem; Append refuses.
            _utf16 = true;
            _problems.Add(new SuppressionLineError(Path, 1, "the file is UTF-16 (as Windows PowerShell 5.1's Out-File and > write): save it as UTF-8, " +
                "e.g. Get-Content <list> | Set-Content -Encoding utf8 <new list>"));
            _position += read;
            return Tail.None;
        }
        var start = 0;
        while (start < read)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start, read - start);
            if (end < 0) break;
            _lines++;
            if (TryParse(new ReadOnlySpan<byte>(bytes, start, end - start), _lines, out var entry, out var pair, out var error))
            {
                if (entry != null) Fold(entry);
                if (pair != null) LearnStored(pair);
            }
            else _problems.Add(new SuppressionLineError(Path, _lines, error));
            start = end + 1;
        }
        _position += start;
        if (start == read) return Tail.None;
        // The last line has no line break yet: a record someone wrote by hand counts; anything else is a write in progress.
        if (TryParse(new ReadOnlySpan<byte>(bytes, start, read - start), _lines + 1, out var last, out var lastPair, out _) && (last != null || lastPair != null))
        {
            if (last != null) Fold(last);
            if (lastPair != null) LearnStored(lastPair);
            return Tail.Record;
        }
        return Tail.Half;
    }

    private void Fold(SuppressionEntry entry)
    {
        foreach (var key in entry.Keys)
            if (!_latest.TryGetValue(key, out var current) || Supersedes(entry, current)) _latest[key] = entry;
    }

    private static void WritePair(Stream buffer, IdentityPair pair, string source, DateTimeOffset time)
    {
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action", "pair");
            if (pair.Phone != null) w.WriteString("phone", pair.Phone);
            if (pair.WaId != null) w.WriteString("waId", pair.WaId);
            if (pair.UserId != null) w.WriteString("userId", pair.UserId);
            if (pair.ParentUserId != null) w.WriteString("parentUserId", pair.ParentUserId);
            if (pair.PreviousUserId != null) w.WriteString("previousUserId", pair.PreviousUserId);
            w.WriteString("source", source);
            w.WriteString("time", time.ToUniversalTime());
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
    }

    private static void WriteRecord(Stream buffer, SuppressionEntry e)
    {
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action", e.Action == SuppressionAction.Add ? "add" : "remove");
            if (e.Phone != null) w.WriteString("phone", e.Phone);
            if (e.UserId != null) w.WriteString("userId", e.UserId);
            if (e.Reason != null) w.WriteString("reason", e.Reason);
            w.WriteString("source", e.Source);
            w.WriteString("time", e.Time);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
    }

    /// <summary>False with a message for a line that is not a record; true with an entry, a pair, or neither (a blank line).</summary>
    private bool TryParse(ReadOnlySpan<byte> line, long number, out SuppressionEntry? entry, out IdentityPair? pair, out string error)
    {
        entry = null;
        pair = null;
        error = string.Empty;
        if (number == 1 && line.StartsWith(Utf8Bom)) line = line.Slice(Utf8Bom.Length);
        if (line.Length > 0 && line[line.Length - 1] == (byte)'\r') line = line.Slice(0, line.Length - 1); // edited on Windows
        if (IsBlank(line)) return true;

        string? action = null, phone = null, userId = null, parentUserId = null, previousUserId = null, waId = null, reason = null, source = null;
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
                    case "userId": userId = Text(ref r, name); break;
                    case "parentUserId": parentUserId = Text(ref r, name); break;
                    case "previousUserId": previousUserId = Text(ref r, name); break;
                    case "waId": waId = Text(ref r, name); break;
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
        else if (action == "pair") kind = default;
        else { error = action == null ? "no 'action'" : $"'action' is '{action}', not 'add', 'remove' or 'pair'"; return false; }
        if (!TryDigits(phone, "phone", out var digits, out error) || !TryDigits(waId, "waId", out var waDigits, out error)) return false;
        foreach (var (field, id) in new[] { ("userId", userId), ("parentUserId", parentUserId), ("previousUserId", previousUserId) })
            if (id != null && !Messages.UserId.IsUserId(id)) { error = $"'{field}' is '{id}', not a business-scoped user ID"; return false; }
        if (time == null) { error = "no 'time'"; return false; }
        if (action == "pair")
        {
            pair = new IdentityPair(digits, userId, parentUserId, previousUserId, waDigits);
            if (!pair.IsPair) { error = "a pair names fewer than two keys"; return false; }
            return true;
        }
        if (digits == null && userId == null) { error = "no 'phone' and no 'userId'"; return false; }
        entry = new SuppressionEntry(kind, digits, userId, reason, source ?? string.Empty, time.Value, number);
        return true;
    }

    /// <summary>A number as written by this module (digits) or by hand (+44 7911 123456): its digits; null when absent.</summary>
    private static bool TryDigits(string? text, string field, out string? digits, out string error)
    {
        digits = null;
        error = string.Empty;
        if (text == null) return true;
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c >= '0' && c <= '9') kept.Append(c);
            else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
            {
                error = $"'{field}' is '{text}', not an international number";
                return false;
            }
        }
        if (kept.Length < Messages.PhoneNumber.MinDigits || kept.Length > Messages.PhoneNumber.MaxDigits)
        {
            error = $"'{field}' is '{text}', not an international number ({kept.Length} digits)";
            return false;
        }
        digits = kept.ToString();
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
