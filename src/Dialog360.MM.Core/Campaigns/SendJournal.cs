using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Dialog360.MM.Core.Campaigns;

/// <summary>
/// The append-only journal of one campaign (-JournalPath), in JSON lines:
/// <c>{"kind":"intent","to":"447911123456","templateName":"spring_sale","time":"…"}</c> is written and flushed before
/// each request, <c>{"kind":"outcome","to":…,"status":"Accepted","messageId":"wamid…","templateName":…,"callbackData":…,"time":…}</c>
/// after it. A flushed line is in the operating system's hands, so it survives the process being killed (not a power
/// cut). On open, the journal tells for each recipient whether it was accepted, is in doubt (an intent without
/// outcome, or an Unknown outcome) or may be sent. <see cref="SendJournalReader"/> reads the same lines for
/// Measure-MMCampaign (it keys on messageId, which only accepted outcomes carry).
/// </summary>
public sealed class SendJournal : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream _file;
    private readonly Dictionary<string, JournalState> _states = new(StringComparer.Ordinal);

    private SendJournal(string path)
    {
        Path = path;
        if (File.Exists(path)) Load(path);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096);
        // A line cut off by a crash would glue onto the next one: start on a fresh line.
        if (_file.Length > 0 && LastByte(path) != (byte)'\n') Write(new byte[] { (byte)'\n' });
    }

    public string Path { get; }

    /// <summary>Recipients the journal already knows, with their state.</summary>
    public int Count => _states.Count;

    public static SendJournal Open(string path) => new(path);

    public JournalState StateOf(string to) => _states.TryGetValue(to, out var s) ? s : JournalState.New;

    public void WriteIntent(string to, string templateName)
    {
        WriteLine(w =>
        {
            w.WriteString("kind", "intent");
            w.WriteString("to", to);
            w.WriteString("templateName", templateName);
        });
        lock (_gate) _states[to] = JournalState.InDoubt;
    }

    public void WriteOutcome(MMSendResult result)
    {
        WriteLine(w =>
        {
            w.WriteString("kind", "outcome");
            w.WriteString("to", result.To);
            w.WriteString("status", result.Status.ToString());
            if (result.MessageId != null) w.WriteString("messageId", result.MessageId);
            w.WriteString("templateName", result.TemplateName);
            if (result.CallbackData != null) w.WriteString("callbackData", result.CallbackData);
            if (result.ErrorCode != null) w.WriteString("errorCode", result.ErrorCode);
            w.WriteNumber("attempts", result.Attempts);
        });
        lock (_gate) _states[result.To] = StateFor(result.Status.ToString());
    }

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteString("time", DateTimeOffset.UtcNow);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        Write(buffer.ToArray());
    }

    private void Write(byte[] line)
    {
        lock (_gate)
        {
            // One write per line, then flushed, so a line is either whole in the file or absent.
            _file.Write(line, 0, line.Length);
            _file.Flush();
        }
    }

    private void Load(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("to", out var toElement) || toElement.GetString() is not { } to)
                    continue;
                var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : null;
                var status = root.TryGetProperty("status", out var st) ? st.GetString() : null;
                var state = kind == "intent" ? JournalState.InDoubt : StateFor(status);
                // Accepted is final: a later line never undoes it.
                if (!_states.TryGetValue(to, out var known) || known != JournalState.Accepted) _states[to] = state;
            }
            catch (JsonException)
            {
                // A half line from a killed process: its intent or outcome is lost, and the line before it decides.
            }
        }
    }

    private static JournalState StateFor(string? status) => status switch
    {
        "Accepted" or "accepted" or "Skipped" => JournalState.Accepted,
        "Unknown" => JournalState.InDoubt,
        _ => JournalState.Failed,
    };

    private static int LastByte(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (s.Length == 0) return -1;
        s.Seek(-1, SeekOrigin.End);
        return s.ReadByte();
    }

    public void Dispose()
    {
        lock (_gate) _file.Dispose();
    }
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
