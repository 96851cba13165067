using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Session;

namespace Dialog360.MM.Completion;

/// <summary>Reads the account's cached template list for completion; a slow or failing API gives no completions.</summary>
internal static class CompletionTemplates
{
    // Tab must stay snappy: at most this long to fetch the list the first time.
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<MMTemplate> For(IDictionary fakeBoundParameters)
    {
        // Completion must never put an error at the prompt: any failure (no account, no network, a key that cannot
        // list templates) simply completes nothing.
        try
        {
            var session = ModuleSession.Current;
            var name = fakeBoundParameters["Account"] as string ?? session.DefaultName;
            if (name is null || !session.TryGet(name, out var account)) return Array.Empty<MMTemplate>();
            if (account.Templates.Cached is { } cached) return cached;
            using var timeout = new CancellationTokenSource(FetchTimeout);
            var task = account.Templates.GetAsync(timeout.Token);
            return task.Wait(FetchTimeout) ? task.Result : Array.Empty<MMTemplate>();
        }
        catch (Exception)
        {
            return Array.Empty<MMTemplate>();
        }
    }

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string wordToComplete, Func<string, string> tooltip)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return values.Distinct(StringComparer.Ordinal)
            .Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v, StringComparer.Ordinal)
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, tooltip(v)));
    }
}

/// <summary>-TemplateName: the account's approved templates (marketing first in mind, but all are offered with their category).</summary>
public sealed class TemplateNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var templates = CompletionTemplates.For(fakeBoundParameters);
        return CompletionTemplates.Complete(templates.Select(t => t.Name), wordToComplete, name =>
        {
            var versions = templates.Where(t => t.Name == name).ToList();
            return $"{versions[0].Category}: {string.Join(", ", versions.Select(v => $"{v.LanguageCode} ({v.Status})"))}";
        });
    }
}

/// <summary>-LanguageCode: the languages of the template already typed, or every language the account has.</summary>
public sealed class LanguageCodeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var templates = CompletionTemplates.For(fakeBoundParameters);
        var name = fakeBoundParameters["TemplateName"] as string;
        var relevant = string.IsNullOrEmpty(name) ? templates : templates.Where(t => t.Name == name).ToList();
        return CompletionTemplates.Complete(relevant.Select(t => t.LanguageCode), wordToComplete,
            code => string.Join(", ", relevant.Where(t => t.LanguageCode == code).Select(t => $"{t.Name} ({t.Status})").Take(5)));
    }
}
