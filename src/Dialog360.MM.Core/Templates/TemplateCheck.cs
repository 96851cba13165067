using System.Collections.Generic;
using System.Linq;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Templates;

/// <summary>
/// Will the API accept this template at all? Checked once before a batch sends, against the account's template list:
/// the template exists in that language, is approved, is MARKETING (on the MM route, which refuses others with 131055),
/// and gets as many body parameters as it has placeholders (else 132000 for every recipient).
/// </summary>
public static class TemplateCheck
{
    public static MMTemplate Check(IReadOnlyList<MMTemplate> templates, string name, string language, SendRoute route, int bodyParameters)
    {
        var sameName = templates.Where(t => t.Name == name).ToList();
        if (sameName.Count == 0)
            throw new MessageValidationException("TemplateName", ValidationReason.TemplateNotFound,
                $"TemplateName '{name}': the account has no template of that name. Check the name with Get-MMTemplate, or use -SkipTemplateCheck if this key cannot list templates.");
        var template = sameName.FirstOrDefault(t => t.LanguageCode == language);
        if (template is null)
            throw new MessageValidationException("LanguageCode", ValidationReason.TemplateLanguageNotFound,
                $"Template '{name}' has no '{language}' version; it exists in: {string.Join(", ", sameName.Select(t => t.LanguageCode).OrderBy(l => l))}. Give one of those to -LanguageCode.");
        if (!template.IsApproved)
            throw new MessageValidationException("TemplateName", ValidationReason.TemplateNotApproved,
                $"TemplateName '{name}' ({language}) is {template.Status}, not approved: only approved templates can be sent. Wait for Meta's review or pick another template.");
        if (route == SendRoute.MarketingMessages && !template.IsMarketing)
            throw new MessageValidationException("TemplateName", ValidationReason.TemplateNotMarketing,
                $"TemplateName '{name}' ({language}) is a {template.Category} template: the Marketing Messages API sends MARKETING templates only. Use -UseCloudApi to send it through the Cloud API.");
        if (bodyParameters != template.BodyParameterCount)
            throw new MessageValidationException("BodyParameter", ValidationReason.BodyParameterCountMismatch,
                $"Template '{name}' ({language}) has {template.BodyParameterCount} body placeholder(s) but {bodyParameters} value(s) were given: give exactly {template.BodyParameterCount} with -BodyParameter or -BodyParameterProperty.");
        return template;
    }
}
