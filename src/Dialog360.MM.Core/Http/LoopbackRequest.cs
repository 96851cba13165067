using System.Collections.Specialized;

namespace Dialog360.MM.Core.Http;

/// <summary>One request as <see cref="LoopbackHttpServer"/> read it: head parsed, body read in full.</summary>
internal sealed class LoopbackRequest
{
    internal LoopbackRequest(string method, string path, string query, NameValueCollection headers, byte[] body)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
    }

    /// <summary>As sent, e.g. "POST" (methods are case-sensitive).</summary>
    public string Method { get; }

    /// <summary>The path, still percent-encoded, as <see cref="System.Uri.AbsolutePath"/> gives it.</summary>
    public string Path { get; }

    /// <summary>"" or the query with its '?', as <see cref="System.Uri.Query"/> gives it.</summary>
    public string Query { get; }

    /// <summary>The query's names and decoded values (names compare case-insensitively).</summary>
    public NameValueCollection QueryString => _queryString ??= ParseQuery(Query);
    private NameValueCollection? _queryString;

    /// <summary>Header names compare case-insensitively; a repeated header's values are joined with commas.</summary>
    public NameValueCollection Headers { get; }

    public byte[] Body { get; }

    public string? UserAgent => Headers["User-Agent"];

    private static NameValueCollection ParseQuery(string query)
    {
        var values = new NameValueCollection();
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.Length == 0) continue;
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair.Substring(0, equals);
            var value = equals < 0 ? string.Empty : pair.Substring(equals + 1);
            values.Add(Decode(name), Decode(value));
        }
        return values;
    }

    private static string Decode(string part) => System.Uri.UnescapeDataString(part.Replace('+', ' '));
}
