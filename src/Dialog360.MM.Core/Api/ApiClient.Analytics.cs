using System.Collections.Generic;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Api;

// Template analytics through 360dialog: POST /marketing/template_analytics?enable=true turns them on for the WABA (once),
// GET /marketing/template_analytics reads them with Meta's query parameters (docs/reference/mm-api.md, "Template
// analytics"; see TemplateAnalyticsQuery). Not available for WABAs in the EU, the UK or Japan: the API says so.
public sealed partial class ApiClient
{
    private const string AnalyticsRoute = "marketing/template_analytics";

    /// <summary>Turns template analytics on for the account's WABA; data is collected from then on.</summary>
    public Task EnableTemplateAnalyticsAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, AnalyticsRoute + "?enable=true", null, cancellationToken);

    /// <summary>Every data point of the query: one request per ten templates, each followed through its pages.</summary>
    /// <exception cref="ApiTransportException">An answer that is not JSON (with the route named), or none.</exception>
    public async Task<IReadOnlyList<MMTemplateAnalytics>> GetTemplateAnalyticsAsync(TemplateAnalyticsQuery query, CancellationToken cancellationToken)
    {
        var all = new List<MMTemplateAnalytics>();
        foreach (var parameters in query.QueryStrings())
        {
            string? after = null;
            do
            {
                var route = AnalyticsRoute + "?" + parameters + (after is null ? string.Empty : "&after=" + System.Uri.EscapeDataString(after));
                var bytes = await SendAsync(HttpMethod.Get, route, null, cancellationToken).ConfigureAwait(false);
                try { all.AddRange(MMTemplateAnalytics.Parse(bytes, out after)); }
                catch (JsonException ex)
                {
                    throw new ApiTransportException($"The answer from {RouteUri(AnalyticsRoute)} is not JSON: {ex.Message}", isTimeout: false, requestMayHaveBeenSent: true, ex);
                }
            }
            while (after != null);
        }
        return all;
    }
}
