using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Session;

/// <summary>
/// One account's template list, kept a few minutes: the pre-send check and tab completion read the same copy, so
/// pressing Tab or sending a batch does not list every template again.
/// </summary>
internal sealed class TemplateCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ApiClient _client;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private IReadOnlyList<MMTemplate>? _templates;
    private long _fetchedAt;

    public TemplateCache(ApiClient client, TimeProvider? time = null)
    {
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    public IReadOnlyList<MMTemplate>? Cached
    {
        get { lock (_gate) return _templates != null && _time.GetElapsedTime(_fetchedAt) < Lifetime ? _templates : null; }
    }

    /// <summary>After a template was created or deleted: the next read lists afresh, so the pre-send check and completion see it.</summary>
    public void Invalidate()
    {
        lock (_gate) _templates = null;
    }

    public async Task<IReadOnlyList<MMTemplate>> GetAsync(CancellationToken cancellationToken, bool refresh = false)
    {
        if (!refresh && Cached is { } cached) return cached;
        var fresh = await _client.ListTemplatesAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _templates = fresh;
            _fetchedAt = _time.GetTimestamp();
        }
        return fresh;
    }
}
