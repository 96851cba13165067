using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Api;

// GET /v1/configs/templates, every page: {"count","total","limit","offset","waba_templates":[…]} (shared/reference/mm-api.md).
public sealed partial class ApiClient
{
    private const int TemplatePageSize = 100;

    public async Task<IReadOnlyList<MMTemplate>> ListTemplatesAsync(CancellationToken cancellationToken)
    {
        var all = new List<MMTemplate>();
        for (var offset = 0; ; offset += TemplatePageSize)
        {
            var bytes = await SendAsync(HttpMethod.Get,
                string.Format(CultureInfo.InvariantCulture, "v1/configs/templates?limit={0}&offset={1}", TemplatePageSize, offset),
                null, cancellationToken).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            var page = 0;
            if (root.TryGetProperty("waba_templates", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var t in list.EnumerateArray()) { all.Add(MMTemplate.Parse(t)); page++; }
            var total = root.TryGetProperty("total", out var tot) && tot.TryGetInt32(out var n) ? n : int.MaxValue;
            if (page == 0 || offset + page >= total) return all;
        }
    }
}
