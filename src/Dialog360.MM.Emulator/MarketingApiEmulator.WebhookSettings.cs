using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Dialog360.MM.Emulator;

// GET and POST /v1/configs/webhook: the number's webhook URL and custom headers (docs/reference/mm-api.md).
public sealed partial class MarketingApiEmulator
{
    private readonly object _webhookGate = new();
    private string? _webhookUrl;
    private Dictionary<string, string> _webhookHeaders = new();

    /// <summary>The webhook URL last set through the API (null until then).</summary>
    public string? WebhookUrl { get { lock (_webhookGate) return _webhookUrl; } }

    /// <summary>The custom headers last set, values included: tests check they arrived intact.</summary>
    public IReadOnlyDictionary<string, string> WebhookHeaders { get { lock (_webhookGate) return new Dictionary<string, string>(_webhookHeaders); } }

    private EmulatorAnswer HandleGetWebhook()
    {
        return EmulatorAnswer.Json(200, w =>
        {
            w.WriteStartObject();
            lock (_webhookGate)
            {
                if (_webhookUrl is null) w.WriteNull("url"); else w.WriteString("url", _webhookUrl);
                w.WriteStartObject("headers");
                foreach (var h in _webhookHeaders) w.WriteString(h.Key, h.Value);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }

    private EmulatorAnswer HandleSetWebhook(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (!root.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String ||
                !Uri.TryCreate(url.GetString(), UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps)
                return EmulatorAnswer.Json(400, "{\"meta\":{\"success\":false,\"http_code\":400,\"developer_message\":\"url must be an https URL\"}}");
            var headers = new Dictionary<string, string>();
            if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
                foreach (var p in h.EnumerateObject()) headers[p.Name] = p.Value.ToString();
            lock (_webhookGate)
            {
                _webhookUrl = parsed.ToString();
                _webhookHeaders = headers;
            }
            return EmulatorAnswer.Json(200, w =>
            {
                w.WriteStartObject();
                w.WriteString("url", parsed.ToString());
                w.WriteEndObject();
            });
        }
        catch (JsonException)
        {
            return EmulatorAnswer.Json(400, "{\"meta\":{\"success\":false,\"http_code\":400,\"developer_message\":\"invalid JSON\"}}");
        }
    }
}
