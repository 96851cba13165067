using System;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Templates;

[Cmdlet(VerbsCommon.Get, "MMTemplate")]
[OutputType(typeof(MMTemplate))]
public sealed class GetMMTemplateCommand : MMCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter]
    [ValidateSet("Marketing", "Utility", "Authentication", IgnoreCase = true)]
    public string? Category { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Status { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? LanguageCode { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>Lists afresh instead of using the list kept for the last few minutes.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var account = ResolveAccount(Account);
        WriteVerbose($"GET {account.Client.RouteUri("v1/configs/templates")} (every page){(Force ? string.Empty : ", or the list kept from the last few minutes")}.");
        System.Collections.Generic.IReadOnlyList<MMTemplate> templates;
        try
        {
            templates = Wait(account.Templates.GetAsync(CancelToken, refresh: Force));
        }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex))
        {
            ThrowTerminatingError(ErrorRecords.FromApiFailure(ex, account.Name));
            return;
        }

        var names = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var status = Status is null ? null : new WildcardPattern(Status, WildcardOptions.IgnoreCase);
        var language = LanguageCode is null ? null : new WildcardPattern(LanguageCode, WildcardOptions.IgnoreCase);
        var found = false;
        foreach (var t in templates.OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.LanguageCode, StringComparer.Ordinal))
        {
            if (!names.Any(p => p.IsMatch(t.Name))) continue;
            if (Category != null && !string.Equals(t.Category, Category, StringComparison.OrdinalIgnoreCase)) continue;
            if (status != null && !status.IsMatch(t.Status)) continue;
            if (language != null && !language.IsMatch(t.LanguageCode)) continue;
            found = true;
            WriteObject(t);
        }
        foreach (var name in Name ?? Array.Empty<string>())
            if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ErrorRecords.Create(ErrorIds.TemplateNotFound, new ItemNotFoundException($"-Name '{name}' matches no template of this account: run Get-MMTemplate without -Name to list them."), name));
    }
}
