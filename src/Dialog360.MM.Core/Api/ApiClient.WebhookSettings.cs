using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Dialog360.MM.Core.Api;

// The number's webhook URL: POST /v1/configs/webhook {"url":"https://…","headers":{…}} sets it, GET reads it
// (360dialog's client API; docs/reference/mm-api.md). The GET answer's exact shape is not in the reference: the url
// is read from "url" and the header names from "headers", and anything else is ignored.
public sealed partial class ApiClient
{
    private const string WebhookRoute = "v1/configs/webhook";

    public async Task<MMWebhookSetting> GetWebhookSettingAsync(CancellationToken cancellationToken)
    {
        var bytes = await SendAsync(HttpMethod.Get, WebhookRoute, null, cancellationToken).ConfigureAwait(false);
        return ParseWebhookSetting(bytes);
    }

    public async Task<MMWebhookSetting> SetWebhookSettingAsync(Uri url, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        if (url is null || !url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"Webhook URL '{url}' must be an absolute https:// address: 360dialog sends message content to it.", nameof(url));
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("url", url.ToString());
            if (headers is { Count: > 0 })
            {
                w.WriteStartObject("headers");
                foreach (var h in headers) w.WriteString(h.Key, h.Value);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        await SendAsync(HttpMethod.Post, WebhookRoute, stream.ToArray(), cancellationToken).ConfigureAwait(false);
        return new MMWebhookSetting { Url = url, HeaderNames = headers?.Keys.ToArray() ?? Array.Empty<string>() };
    }

    internal static MMWebhookSetting ParseWebhookSetting(byte[] body)
    {
        var setting = new MMWebhookSetting();
        if (body.Length == 0) return setting;
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return setting;
        if (root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String &&
            Uri.TryCreate(url.GetString(), UriKind.Absolute, out var parsed))
            setting.Url = parsed;
        if (root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            setting.HeaderNames = headers.EnumerateObject().Select(p => p.Name).ToArray();
        return setting;
    }
}
