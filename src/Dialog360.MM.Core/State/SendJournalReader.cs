using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Dialog360.MM.Core.State;

/// <summary>
/// Reads the send journal that Send-MarketingMessage -JournalPath writes, for joining webhook statuses to sends.
/// Assumed line format (JSON lines, one object per line; property names matched case-insensitively, other properties
/// ignored): {"messageId":"wamid.…","templateName":"spring_sale","to":"447911123456","callbackData":"…"}; a send to a
/// business-scoped user ID has "userId" beside or instead of "to".
/// Lines without a messageId (e.g. an intent written before the send, or a refused send) are skipped; so are lines that
/// are not JSON (a half line left by a crash), which are reported through the callback.
/// </summary>
public static class SendJournalReader
{
    /// <summary>Entries by MessageId; a later line for the same id wins.</summary>
    public static Dictionary<string, SendJournalEntry> ReadIndex(string path, Action<long, string>? onBadLine = null)
    {
        using var reader = new StreamReader(path);
        return ReadIndex(reader, onBadLine);
    }

    /// <summary>The same from a journal in a state store (a storage container's, or a file's).</summary>
    public static Dictionary<string, SendJournalEntry> ReadIndex(ILineLog log, Action<long, string>? onBadLine = null)
    {
        using var reader = new StreamReader(new MemoryStream(log.ReadFrom(0)));
        return ReadIndex(reader, onBadLine);
    }

    private static Dictionary<string, SendJournalEntry> ReadIndex(TextReader reader, Action<long, string>? onBadLine)
    {
        var index = new Dictionary<string, SendJournalEntry>(StringComparer.Ordinal);
        long number = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) { onBadLine?.Invoke(number, "not a JSON object"); continue; }
                string? id = null, template = null, to = null, userId = null, callback = null, messageStatus = null;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.String) continue;
                    if (Is(p, "messageId")) id = p.Value.GetString();
                    else if (Is(p, "templateName")) template = p.Value.GetString();
                    else if (Is(p, "to")) to = p.Value.GetString();
                    else if (Is(p, "userId")) userId = p.Value.GetString();
                    else if (Is(p, "callbackData")) callback = p.Value.GetString();
                    else if (Is(p, "messageStatus")) messageStatus = p.Value.GetString();
                }
                if (!string.IsNullOrEmpty(id)) index[id!] = new SendJournalEntry(id!, template, to, callback, messageStatus, userId);
            }
            catch (JsonException ex)
            {
                // The reader's own position is relative to the line; the caller reports the line number.
                var cut = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
                onBadLine?.Invoke(number, cut > 0 ? ex.Message.Substring(0, cut) : ex.Message);
            }
        }
        return index;
    }

    private static bool Is(JsonProperty p, string name) => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase);
}
