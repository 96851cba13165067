using System;
using System.Globalization;
using System.Text.Json;

namespace Dialog360.MM.Core.Api;

/// <summary>
/// Turns an error answer into an <see cref="ApiException"/>. Three shapes arrive (docs/reference/mm-api.md):
/// Meta's Graph <c>{"error":{message,type,code,error_data.details,fbtrace_id}}</c>; 360dialog's MM route wraps it one
/// level deeper, <c>{"detail":{"error":{…}}}</c>; and a bad key gets HTTP 401 <c>{"error":"Invalid api token."}</c>.
/// </summary>
public static class ApiErrorParser
{
    private const int MaxBodyInMessage = 300;

    public static ApiException Parse(int httpStatus, string? body, TimeSpan? retryAfter = null)
    {
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body!);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object &&
                        detail.TryGetProperty("error", out var wrapped))
                        return FromErrorElement(httpStatus, wrapped, retryAfter);
                    if (root.TryGetProperty("error", out var error))
                        return FromErrorElement(httpStatus, error, retryAfter);
                    // 360dialog's v1 config routes: {"meta":{"success":false,"http_code":…,"developer_message":"…"}}.
                    if (root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object &&
                        GetString(meta, "developer_message") is { } developerMessage)
                        return new ApiException(httpStatus, null, developerMessage, retryAfter: retryAfter);
                    // FastAPI-style validation answers: {"detail": "text"} or {"detail": [ {msg…} ]}.
                    if (root.TryGetProperty("detail", out var plainDetail))
                        return new ApiException(httpStatus, null, Shorten(plainDetail.ToString()), retryAfter: retryAfter);
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's HTML page, say): fall through and quote it.
            }
        }

        var text = string.IsNullOrWhiteSpace(body) ? $"HTTP {httpStatus} with no body" : Shorten(body!.Trim());
        return new ApiException(httpStatus, null, text, retryAfter: retryAfter);
    }

    private static ApiException FromErrorElement(int httpStatus, JsonElement error, TimeSpan? retryAfter)
    {
        if (error.ValueKind == JsonValueKind.String)
            return new ApiException(httpStatus, null, error.GetString() ?? string.Empty, retryAfter: retryAfter);
        if (error.ValueKind != JsonValueKind.Object)
            return new ApiException(httpStatus, null, Shorten(error.ToString()), retryAfter: retryAfter);

        var message = GetString(error, "message") ?? GetString(error, "title") ?? $"HTTP {httpStatus}";
        string? details = null;
        if (error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object)
            details = GetString(data, "details");
        return new ApiException(httpStatus, GetInt(error, "code"), message, GetString(error, "type"), details,
            GetInt(error, "error_subcode"), GetString(error, "fbtrace_id"), retryAfter);
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // Codes arrive as numbers from Meta and sometimes as strings through proxies.
    private static int? GetInt(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String &&
            int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) return s;
        return null;
    }

    private static string Shorten(string text) =>
        text.Length <= MaxBodyInMessage ? text : text.Substring(0, MaxBodyInMessage) + "…";
}
