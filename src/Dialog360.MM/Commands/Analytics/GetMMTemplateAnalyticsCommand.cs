using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Errors;
using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Analytics;

/// <summary>
/// Collects the templates named by -Name (through the account's template list) or -TemplateId, then reads their analytics
/// once at the end (Core: TemplateAnalyticsQuery, ApiClient.GetTemplateAnalyticsAsync) and writes one object per
/// template and day, labelled with the template's name and language.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MMTemplateAnalytics")]
[OutputType(typeof(MMTemplateAnalytics))]
public sealed class GetMMTemplateAnalyticsCommand : MMCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Template ids (Get-MMTemplate's Id): one language of a template, as Meta counts it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[]? TemplateId { get; set; }

    [Parameter]
    public DateTime? Start { get; set; }

    [Parameter]
    public DateTime? End { get; set; }

    [Parameter]
    [ValidateSet("Daily", IgnoreCase = true)]
    public string Granularity { get; set; } = "Daily";

    [Parameter]
    public AnalyticsProduct ProductType { get; set; } = AnalyticsProduct.MarketingMessages;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    private ConnectedAccount? _account;
    private readonly List<string> _ids = new();
    private IReadOnlyList<MMTemplate>? _templates;

    protected override void BeginProcessing() => _account = ResolveAccount(Account);

    protected override void ProcessRecord()
    {
        // A template piped from Get-MMTemplate brings its id: that language exactly.
        if (TemplateId != null)
        {
            _ids.AddRange(TemplateId);
            return;
        }
        foreach (var name in Name ?? Array.Empty<string>())
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var found = Templates().Where(t => pattern.IsMatch(t.Name) && t.Id != null).ToList();
            if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(ErrorIds.TemplateNotFound, new ItemNotFoundException($"-Name '{name}' matches no template of this account: run Get-MMTemplate to list them."), name));
            _ids.AddRange(found.Select(t => t.Id!));
        }
    }

    protected override void EndProcessing()
    {
        var now = Time.GetUtcNow();
        var end = End is DateTime e ? new DateTimeOffset(e.ToUniversalTime()) : now;
        var start = Start is DateTime s ? new DateTimeOffset(s.ToUniversalTime()) : end.AddDays(-7);
        if (_ids.Count == 0 && (Name != null || TemplateId != null)) return; // the names matched nothing: said above
        TemplateAnalyticsQuery query = null!;
        try { query = new TemplateAnalyticsQuery(_ids, start, end, now, ProductType); }
        catch (MessageValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex, ex.Field)); }
        WriteVerbose($"GET {_account!.Client.RouteUri("marketing/template_analytics")} for {query.TemplateIds.Count} template(s), " +
            $"{query.Start.UtcDateTime:yyyy-MM-dd HH:mm} to {query.End.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {query.ProductType}.");
        IReadOnlyList<MMTemplateAnalytics> points = Array.Empty<MMTemplateAnalytics>();
        try { points = Wait(_account.Client.GetTemplateAnalyticsAsync(query, CancelToken)); }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { ThrowTerminatingError(ErrorRecords.FromApiFailure(ex, _account.Name)); }

        // Names and languages for the ids; analytics of an id the list lacks (deleted since) still come, unlabelled.
        var byId = new Dictionary<string, MMTemplate>(StringComparer.Ordinal);
        try { foreach (var t in _templates ?? Wait(_account.Templates.GetAsync(CancelToken))) if (t.Id != null) byId[t.Id] = t; }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { WriteVerbose($"The template list could not be read to name the templates: {ex.Message}"); }
        foreach (var point in points.OrderBy(p => byId.TryGetValue(p.TemplateId, out var t) ? t.Name : p.TemplateId, StringComparer.Ordinal)
                     .ThenBy(p => p.TemplateId, StringComparer.Ordinal).ThenBy(p => p.Start))
        {
            if (byId.TryGetValue(point.TemplateId, out var template)) (point.TemplateName, point.LanguageCode) = (template.Name, template.LanguageCode);
            WriteObject(point);
        }
    }

    /// <summary>The account's templates, from the list kept a few minutes; a refusal to list them ends the command.</summary>
    private IReadOnlyList<MMTemplate> Templates()
    {
        if (_templates != null) return _templates;
        try { return _templates = Wait(_account!.Templates.GetAsync(CancelToken)); }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex))
        {
            ThrowTerminatingError(ErrorRecords.FromApiFailure(ex, _account!.Name));
            throw;
        }
    }
}
