using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using System.Text;
using System.Text.Json;
using Dialog360.MM.Core.Files;
using Dialog360.MM.Core.People;

namespace Dialog360.MM.Core.State;

/// <summary>
/// The append-only journal of one campaign (-JournalPath), in JSON lines. The first line says what it is for:
/// <c>{"kind":"campaign","templateName":"spring_sale","languageCode":"en","route":"MarketingMessages","account":"****abcd","time":…}</c>.
/// Then <c>{"kind":"intent","to":"447911123456","templateName":"spring_sale","time":"…"}</c> is written and flushed just
/// before each request leaves, and <c>{"kind":"outcome","to":…,"status":"Accepted","messageId":"wamid…",…}</c> after it.
/// A flushed line is in the operating system's hands, so it survives the process being killed (not a power cut).
/// The journal is held by one run at a time (<see cref="FileLock"/>) and read after the lock is taken, so what it
/// says of each recipient is what the last run left. Entries are keyed by recipient and template.
/// <see cref="SendJournalReader"/> reads the same lines for Measure-MMCampaign (it keys on messageId).
/// </summary>
public sealed class SendJournal : IDisposable
{
    public const string Purpose = "Send-MarketingMessage campaign";

    private readonly object _gate = new();
    private readonly IRunLock _runLock;
    private readonly ILineLog _log;
    private readonly bool _readOnly;
    private readonly TimeProvider _time;
    // Per person key (a number's key, a BSUID) and template: what the last line about it said.
    private readonly Dictionary<string, JournalRecord> _states = new(StringComparer.Ordinal);
    private readonly Identities _identities;
    private long _sequence;
    private CampaignIdentity? _campaign;
    // The templates the entries name, for a journal whose campaign line is missing or was cut off.
    private readonly HashSet<string> _entryTemplates = new(StringComparer.Ordinal);

    private SendJournal(ILineLog log, IRunLock runLock, bool readOnly, TimeProvider time, Identities? identities)
    {
        _log = log;
        _runLock = runLock;
        _readOnly = readOnly;
        _time = time;
        _identities = identities ?? new Identities();
        var bytes = Read(log);
        Load(bytes);
        // A line cut off by a crash would glue onto the next one: start on a fresh line.
        if (!readOnly && bytes.Length > 0 && bytes[bytes.Length - 1] != (byte)'\n') WriteAsync(new byte[] { (byte)'\n' }).GetAwaiter().GetResult();
    }

    /// <summary>Opened to read only (-WhatIf): claims compare, nothing is written.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>Where the journal is: its file's full path, or its blob's address.</summary>
    public string Path => _log.Name;

    /// <summary>The campaign the journal's first line names; null for a new journal, or one written before journals had it.</summary>
    public CampaignIdentity? Campaign { get { lock (_gate) return _campaign; } }

    /// <summary>A run that was killed holding this journal left its lock record: who that was.</summary>
    public LockHolder? TakenOverFrom => _runLock.TakenOverFrom;

    /// <summary>Recipients the journal already knows, with their state.</summary>
    public int Count { get { lock (_gate) return _states.Count; } }

    /// <summary>Takes the journal for this run, then reads it.</summary>
    /// <exception cref="FileLockedException">Another run holds it.</exception>
    /// <exception cref="JournalException">A line has the wrong shape.</exception>
    /// <param name="identities">Who is who: the journal learns from its lines (a send answer's wa_id and user_id) and
    /// looks people up by every key known for them.</param>
    public static SendJournal Open(string path, bool readOnly = false, TimeProvider? time = null, Identities? identities = null) =>
        Open(FileStateStore.Instance, path, readOnly, time, identities);

    /// <summary>Takes the journal called <paramref name="name"/> in <paramref name="store"/> for this run, then reads it.</summary>
    /// <exception cref="FileLockedException">Another run holds it.</exception>
    /// <exception cref="JournalException">A line has the wrong shape.</exception>
    /// <exception cref="IOException">It cannot be opened (a store out of reach: <see cref="StateUnavailableException"/>).</exception>
    public static SendJournal Open(IStateStore store, string name, bool readOnly = false, TimeProvider? time = null, Identities? identities = null)
    {
        var (log, held) = store.TakeJournal(name, Purpose, readOnly);
        try { return new SendJournal(log, held, readOnly, time ?? TimeProvider.System, identities); }
        catch
        {
            (log as IDisposable)?.Dispose();
            held.Dispose();
            throw;
        }
    }

    /// <summary>Tests give a log that fails the way a full disk does.</summary>
    internal static SendJournal Open(string path, ILineLog log, TimeProvider? time = null)
    {
        var held = FileLock.Acquire(path, Purpose);
        try { return new SendJournal(log, held, false, time ?? TimeProvider.System, null); }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Binds the journal to a campaign: a new journal records it as its first line; one that names another campaign
    /// refuses. A journal without a campaign line (it was cut off, or deleted by hand) is judged by its entries: one
    /// that sent another template refuses; otherwise it is claimed and gets the line now.
    /// </summary>
    /// <exception cref="JournalMismatchException"/>
    /// <exception cref="JournalException">The campaign line could not be written (disk full, handle lost).</exception>
    public void Claim(CampaignIdentity campaign)
    {
        lock (_gate)
        {
            if (_campaign != null)
            {
                if (!campaign.IsSameAs(_campaign)) throw new JournalMismatchException(Path, _campaign, campaign);
                return;
            }
            foreach (var template in _entryTemplates)
                if (template != campaign.TemplateName)
                    throw new JournalMismatchException(Path, new CampaignIdentity(template, "?", "?", "?"), campaign);
            if (IsReadOnly) return;
            WriteLine(w =>
            {
                w.WriteString("kind", "campaign");
                w.WriteString("templateName", campaign.TemplateName);
                w.WriteString("languageCode", campaign.LanguageCode);
                w.WriteString("route", campaign.Route);
                w.WriteString("account", campaign.Account);
            });
            _campaign = campaign;
        }
    }

    public JournalState StateOf(string to, string templateName) => Lookup(new[] { PhoneKey.Of(to) }, templateName).State;

    /// <summary>
    /// What the journal knows of a person (by every key known for them) and a template: accepted under any key is
    /// accepted; otherwise the latest line about them decides (state, last error code, not-before time).
    /// </summary>
    public JournalRecord Lookup(IEnumerable<string> keys, string templateName)
    {
        var latest = JournalRecord.None;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (!_states.TryGetValue(Key(key, templateName), out var s)) continue;
                if (s.State == JournalState.Accepted) return s;
                if (s.Sequence > latest.Sequence) latest = s;
            }
        }
        return latest;
    }

    /// <summary>Not sent now (outside the send window, or not before a time Meta asked for): recorded for the report;
    /// the recipient stays sendable for the next run.</summary>
    public void WriteDeferred(string? to, string? userId, string templateName, DateTimeOffset notBefore)
    {
        if (IsReadOnly) return;
        WriteLine(w =>
        {
            w.WriteString("kind", "deferred");
            WriteRecipient(w, to, userId, null);
            w.WriteString("templateName", templateName);
            w.WriteString("notBefore", notBefore);
        });
    }

    /// <exception cref="JournalException">The line could not be written (disk full, handle lost).</exception>
    public void WriteIntent(string? to, string? userId, string templateName) => WriteIntentAsync(to, userId, templateName).GetAwaiter().GetResult();

    /// <summary>The intent, stored before the request leaves; the task completes once it is.</summary>
    /// <exception cref="JournalException">In the task: the line could not be written.</exception>
    public async Task WriteIntentAsync(string? to, string? userId, string templateName)
    {
        // Stored before the state changes (and outside the lock, so that the workers' intents can go down together).
        await WriteLineAsync(w =>
        {
            w.WriteString("kind", "intent");
            WriteRecipient(w, to, userId, null);
            w.WriteString("templateName", templateName);
        }).ConfigureAwait(false);
        lock (_gate) Record(to, userId, null, templateName, JournalState.InDoubt, null, null, _time.GetUtcNow());
    }

    /// <exception cref="JournalException">The line could not be written (disk full, handle lost).</exception>
    public void WriteOutcome(JournalOutcome result) => WriteOutcomeAsync(result).GetAwaiter().GetResult();

    /// <exception cref="JournalException">In the task: the line could not be written.</exception>
    public async Task WriteOutcomeAsync(JournalOutcome result)
    {
        await WriteLineAsync(w =>
        {
            w.WriteString("kind", "outcome");
            WriteRecipient(w, result.To, result.UserId, result.WaId);
            w.WriteString("status", result.Status);
            if (result.MessageId != null) w.WriteString("messageId", result.MessageId);
            w.WriteString("templateName", result.TemplateName);
            if (result.CallbackData != null) w.WriteString("callbackData", result.CallbackData);
            if (result.MessageStatus != null) w.WriteString("messageStatus", result.MessageStatus);
            if (result.ErrorCode != null) w.WriteString("errorCode", result.ErrorCode);
            if (result.NotBefore is { } notBefore) w.WriteString("notBefore", notBefore);
            w.WriteNumber("attempts", result.Attempts);
        }).ConfigureAwait(false);
        lock (_gate) Record(result.To, result.UserId, result.WaId, result.TemplateName, StateFor(result.Status), result.ErrorCode, result.NotBefore, _time.GetUtcNow());
    }

    private static void WriteRecipient(Utf8JsonWriter w, string? to, string? userId, string? waId)
    {
        if (!string.IsNullOrEmpty(to)) w.WriteString("to", to);
        if (!string.IsNullOrEmpty(userId)) w.WriteString("userId", userId);
        if (!string.IsNullOrEmpty(waId) && waId != to) w.WriteString("waId", waId);
    }

    /// <summary>A line about a person: under each of its keys (accepted stays accepted), and what it says of who is who.</summary>
    private void Record(string? to, string? userId, string? waId, string? templateName, JournalState state, string? errorCode, DateTimeOffset? notBefore,
        DateTimeOffset? time)
    {
        var pair = new IdentityPair(string.IsNullOrEmpty(to) ? null : to, userId, waId: waId);
        var record = new JournalRecord(state, errorCode, notBefore, ++_sequence, time);
        foreach (var key in pair.Keys)
        {
            var at = Key(key, templateName);
            if (!_states.TryGetValue(at, out var known) || known.State != JournalState.Accepted) _states[at] = record;
        }
        if (pair.IsPair) _identities.Learn(pair);
    }

    private static string Key(string personKey, string? templateName) => personKey + "\n" + templateName;

    private void WriteLine(Action<Utf8JsonWriter> body) => WriteLineAsync(body).GetAwaiter().GetResult();

    private Task WriteLineAsync(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteString("time", _time.GetUtcNow());
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return WriteAsync(buffer.ToArray());
    }

    /// <summary>
    /// One line, stored durably before this returns (a file: one write and a flush; a blob: appended, maybe together
    /// with other workers' lines in one block). The lock is not held meanwhile, so workers' intents go down together.
    /// </summary>
    private async Task WriteAsync(byte[] line)
    {
        if (_readOnly) throw new InvalidOperationException("The journal was opened read-only.");
        try { await _log.AppendAsync(line).ConfigureAwait(false); }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is UnauthorizedAccessException)
        {
            throw new JournalException($"The journal '{Path}' could not be written: {ex.Message}", ex);
        }
    }

    private static byte[] Read(ILineLog log)
    {
        try { return log.ReadFrom(0); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new JournalException($"The journal '{log.Name}' cannot be read: {ex.Message}", ex);
        }
    }

    private void Load(byte[] bytes)
    {
        var path = Path;
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        string? line;
        var number = 0;
        while ((line = reader.ReadLine()) != null)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException)
            {
                // A half line from a killed process: its intent or outcome is lost, and the line before it decides.
                continue;
            }
            using (doc)
            {
                try { Apply(doc.RootElement); }
                catch (InvalidOperationException ex)
                {
                    throw new JournalException(
                        $"Line {number} of the journal '{path}' is not a journal entry ({ex.Message}). The journal was not written by this module, " +
                        "or was edited: restore it, or give this run a new -JournalPath (recipients it recorded would then be sent again).", ex);
                }
            }
        }
    }

    /// <exception cref="InvalidOperationException">A known member has the wrong JSON type.</exception>
    private void Apply(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidOperationException("not a JSON object");
        var kind = Text(root, "kind");
        if (kind == "campaign")
        {
            _campaign ??= new CampaignIdentity(Text(root, "templateName") ?? "", Text(root, "languageCode") ?? "",
                Text(root, "route") ?? "", Text(root, "account") ?? "");
            return;
        }
        var to = Digits(Text(root, "to"));
        var userId = Text(root, "userId");
        if (to is null && userId is null) return;
        if (Text(root, "templateName") is { } template) _entryTemplates.Add(template);
        if (kind == "deferred") return; // a report line: the recipient's state is what came before it
        var state = kind == "intent" ? JournalState.InDoubt : StateFor(Text(root, "status"));
        DateTimeOffset? notBefore = Text(root, "notBefore") is { } nb && DateTimeOffset.TryParse(nb, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var at) ? at : null;
        DateTimeOffset? time = Text(root, "time") is { } tt && DateTimeOffset.TryParse(tt, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var at2) ? at2 : null;
        Record(to, userId, Digits(Text(root, "waId")), Text(root, "templateName"), state, Text(root, "errorCode"), notBefore, time);
    }

    /// <summary>
    /// A number as the journal wrote it, or as someone edited it ("+44 7911 …"): its digits, so it finds the same
    /// person; anything that is not written like a number is kept as it is.
    /// </summary>
    private static string? Digits(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var digits = new StringBuilder(number!.Length);
        foreach (var c in number)
        {
            if (c >= '0' && c <= '9') digits.Append(c);
            else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') return number;
        }
        return digits.Length > 0 ? digits.ToString() : number;
    }

    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new InvalidOperationException($"'{name}' is a {value.ValueKind.ToString().ToLowerInvariant()}, not a string");
        return value.GetString();
    }

    private static JournalState StateFor(string? status) => status switch
    {
        "Accepted" or "accepted" or "Skipped" => JournalState.Accepted,
        "Unknown" => JournalState.InDoubt,
        _ => JournalState.Failed,
    };

    /// <summary>Closes the journal and releases it; a close that fails (a full disk flushing its last bytes) still releases it.</summary>
    public void Dispose()
    {
        try
        {
            (_log as IDisposable)?.Dispose();
        }
        catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is UnauthorizedAccessException)
        {
            // Every line was flushed when it was written; what failed here was written nowhere, and a rerun knows it.
        }
        finally
        {
            _runLock.Dispose();
        }
    }
}

/// <summary>An outcome line: what a request to one recipient ended as (Status: Accepted, Failed, Unknown, …).</summary>
public sealed class JournalOutcome
{
    /// <summary>The number sent to (digits), or empty for a person known only by a BSUID.</summary>
    public string To { get; set; } = string.Empty;
    public string? UserId { get; set; }
    /// <summary>The number as the send answer named the person.</summary>
    public string? WaId { get; set; }
    public string TemplateName { get; set; } = string.Empty;
    public string Status { get; set; } = string.Empty;
    public string? MessageId { get; set; }
    public string? CallbackData { get; set; }
    public string? MessageStatus { get; set; }
    public string? ErrorCode { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    public int Attempts { get; set; }
}

/// <summary>What the journal knows of a recipient and template.</summary>
public readonly struct JournalRecord
{
    public static readonly JournalRecord None = new(JournalState.New, null, null, 0, null);

    public JournalRecord(JournalState state, string? errorCode, DateTimeOffset? notBefore, long sequence, DateTimeOffset? time)
    {
        State = state;
        ErrorCode = errorCode;
        NotBefore = notBefore;
        Sequence = sequence;
        Time = time;
    }

    /// <summary>When the line was written: when that send was made or refused.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>The line's place among the journal's lines: a later line about the same person decides.</summary>
    public long Sequence { get; }

    public JournalState State { get; }
    /// <summary>The last refusal's code, for a Failed recipient.</summary>
    public string? ErrorCode { get; }
    /// <summary>When a new try makes sense (131049), for a Failed recipient.</summary>
    public DateTimeOffset? NotBefore { get; }
}

/// <summary>What the journal knows of a recipient.</summary>
public enum JournalState
{
    /// <summary>Never sent to: send.</summary>
    New,
    /// <summary>The API accepted it: skip.</summary>
    Accepted,
    /// <summary>Sent, or maybe sent, with no answer: report Unknown; resend only when asked.</summary>
    InDoubt,
    /// <summary>Refused or never sent: send again.</summary>
    Failed,
}
