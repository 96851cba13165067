using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Api;

// GET /v1/configs/templates, every page: {"count","total","limit","offset","waba_templates":[…]}; POST on the same route
// creates one (the answer is the template object), DELETE /v1/configs/templates/{name} removes every language of a name
// (docs/reference/mm-api.md, 360dialog's template management pages).
public sealed partial class ApiClient
{
    private const int TemplatePageSize = 100;
    private const string TemplatesRoute = "v1/configs/templates";

    /// <summary>Submits the template for Meta's review; the answer's template, with what it omits taken from the definition.</summary>
    public async Task<MMTemplate> CreateTemplateAsync(TemplateDefinition definition, CancellationToken cancellationToken)
    {
        if (definition is null) throw new System.ArgumentNullException(nameof(definition));
        var bytes = await SendAsync(HttpMethod.Post, TemplatesRoute, definition.ToJsonUtf8(), cancellationToken).ConfigureAwait(false);
        MMTemplate created;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            created = doc.RootElement.ValueKind == JsonValueKind.Object ? MMTemplate.Parse(doc.RootElement) : new MMTemplate();
        }
        catch (JsonException)
        {
            // Created (2xx) but the body is unreadable: the definition still says what was created.
            created = new MMTemplate();
        }
        return created.CompleteFrom(definition);
    }

    /// <summary>Deletes the template of that name in every language.</summary>
    public Task DeleteTemplateAsync(string name, CancellationToken cancellationToken)
    {
        Messages.TemplateMessage.ValidateTemplateName(name, "Name");
        return SendAsync(HttpMethod.Delete, TemplatesRoute + "/" + System.Uri.EscapeDataString(name), null, cancellationToken);
    }

    public async Task<IReadOnlyList<MMTemplate>> ListTemplatesAsync(CancellationToken cancellationToken)
    {
        var all = new List<MMTemplate>();
        for (var offset = 0; ; offset += TemplatePageSize)
        {
            var bytes = await SendAsync(HttpMethod.Get,
                string.Format(CultureInfo.InvariantCulture, "{0}?limit={1}&offset={2}", TemplatesRoute, TemplatePageSize, offset),
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
