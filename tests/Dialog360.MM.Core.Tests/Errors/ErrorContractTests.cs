using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Dialog360.MM.Core.Campaigns;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Core.Tests.Errors;

/// <summary>
/// The ErrorId contract: the catalog in ErrorIds.cs, the code that writes errors, and the two documents
/// that list them (README, about_Dialog360.MM) must agree. Reads only files inside the repository.
/// </summary>
public sealed class ErrorContractTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MarketingMessages.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (MarketingMessages.sln) is not above the test's folder.");
    }

    private static Dictionary<string, string> Catalog() =>
        ErrorIds.All.ToDictionary(e => e.Id, e => e.Id.Contains('<') ? "by cause" : e.Category.ToString());

    private static IEnumerable<(string Path, string Text)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(p => (Path.GetRelativePath(Root, p).Replace('\\', '/'), File.ReadAllText(p)));

    /// <summary>README's "## Errors" table: `Id` | Category | what to do.</summary>
    private static Dictionary<string, string> ReadmeIds()
    {
        var text = File.ReadAllText(Path.Combine(Root, "README.md"));
        var start = text.IndexOf("\n## Errors\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Errors' section.");
        var end = text.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var section = end < 0 ? text.Substring(start) : text.Substring(start, end - start);
        return Regex.Matches(section, @"^\| `([^`]+)` \| ([^|]+?) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
    }

    /// <summary>about_Dialog360.MM's ERROR IDS section: "Id   Category" lines indented by eight spaces.</summary>
    private static Dictionary<string, string> AboutIds()
    {
        var text = File.ReadAllText(Path.Combine(Root, "src/Dialog360.MM/en-US/about_Dialog360.MM.help.txt")).Replace("\r\n", "\n");
        var start = text.IndexOf("ERROR IDS", StringComparison.Ordinal);
        Assert.True(start >= 0, "about_Dialog360.MM has no ERROR IDS section.");
        var end = text.IndexOf("\nSEE ALSO", start, StringComparison.Ordinal);
        var section = end < 0 ? text.Substring(start) : text.Substring(start, end - start);
        return Regex.Matches(section, @"^ {8}([A-Za-z]+(?:<[a-z]+>)?) {2,}(\w+(?: \w+)?)[ \t]*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    [Fact]
    public void The_README_lists_every_id_the_code_can_write_with_its_category_and_no_other() =>
        Assert.Equal(Catalog().OrderBy(p => p.Key), ReadmeIds().OrderBy(p => p.Key));

    [Fact]
    public void The_README_gives_each_id_the_catalogs_recommended_action()
    {
        var text = File.ReadAllText(Path.Combine(Root, "README.md"));
        var actions = Regex.Matches(text, @"^\| `([^`]+)` \| [^|]+? \| (.*) \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        foreach (var id in ErrorIds.All)
            Assert.True(actions.TryGetValue(id.Id, out var action) && action == id.RecommendedAction,
                $"README.md's row for {id.Id} does not give the catalog's recommended action: {id.RecommendedAction}");
    }

    [Fact]
    public void About_Dialog360_MM_lists_every_id_the_code_can_write_with_its_category_and_no_other() =>
        Assert.Equal(Catalog().OrderBy(p => p.Key), AboutIds().OrderBy(p => p.Key));

    [Fact]
    public void Every_entry_is_named_as_it_is_written_and_has_a_recommended_action()
    {
        foreach (var field in typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(ErrorId)))
        {
            var id = (ErrorId)field.GetValue(null)!;
            Assert.True(id.Id == field.Name || id.Id.StartsWith(field.Name + "<", StringComparison.Ordinal), $"ErrorIds.{field.Name} writes '{id.Id}'.");
            Assert.False(string.IsNullOrWhiteSpace(id.RecommendedAction), $"{id.Id} has no recommended action.");
        }
        Assert.Equal(ErrorIds.All.Count, ErrorIds.All.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Every_validation_cause_of_Core_is_a_catalog_entry()
    {
        var ids = Catalog();
        foreach (var f in typeof(ValidationReason).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            Assert.True(ids.ContainsKey((string)f.GetRawConstantValue()!), $"ValidationReason.{f.Name} has no entry in ErrorIds.");
    }

    [Fact]
    public void Every_reason_a_campaign_gives_is_a_catalog_entry()
    {
        var ids = Catalog();
        foreach (var f in typeof(CampaignReason).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name != nameof(CampaignReason.ApiRefused)))
            Assert.True(ids.ContainsKey((string)f.GetRawConstantValue()!), $"CampaignReason.{f.Name} has no entry in ErrorIds.");
    }

    /// <summary>What users read under RecommendedAction is the catalog's, as README and about_ show it: a call site
    /// says what is particular to its case in the message, never with advice of its own.</summary>
    [Fact]
    public void Recommended_actions_come_only_from_the_catalog()
    {
        var create = typeof(ErrorRecords).GetMethod(nameof(ErrorRecords.Create), BindingFlags.Public | BindingFlags.Static)!;
        Assert.Equal(new[] { typeof(ErrorId), typeof(Exception), typeof(object) }, create.GetParameters().Select(p => p.ParameterType));
        foreach (var (path, text) in Sources().Where(s => !s.Path.EndsWith("Errors/ErrorRecords.cs", StringComparison.Ordinal)
                                                          && !s.Path.EndsWith("Errors/ErrorIds.cs", StringComparison.Ordinal)))
            Assert.False(Regex.IsMatch(text, @"RecommendedAction\s*="), $"{path} sets a RecommendedAction of its own.");
    }

    /// <summary>An entry nothing writes would be documented but never emitted.</summary>
    [Fact]
    public void Every_entry_is_written_somewhere()
    {
        var sources = Sources().Where(s => !s.Path.EndsWith("Errors/ErrorIds.cs", StringComparison.Ordinal)
                                           && !s.Path.EndsWith("Messages/ValidationReason.cs", StringComparison.Ordinal)
                                           && !s.Path.EndsWith("Campaigns/CampaignEvent.cs", StringComparison.Ordinal)).ToList();
        bool Used(string token) => sources.Any(s => Regex.IsMatch(s.Text, Regex.Escape(token) + @"\b"));
        foreach (var field in typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(ErrorId)))
        {
            var used = field.Name switch
            {
                nameof(ErrorIds.ApiError) => Used("ErrorIds.ForApiCode"),
                nameof(ErrorIds.ApiHttp) => Used("ErrorIds.ForHttpStatus"),
                _ => Used("ErrorIds." + field.Name) || Used("ValidationReason." + field.Name) || Used("CampaignReason." + field.Name),
            };
            Assert.True(used, $"ErrorIds.{field.Name} is documented but nothing writes it.");
        }
    }

    /// <summary>Every id reaches an ErrorRecord through the catalog: none is built from a field name or passed in as text.</summary>
    [Fact]
    public void Error_records_and_validation_causes_come_only_from_the_catalog()
    {
        foreach (var (path, text) in Sources())
        {
            if (!path.EndsWith("Errors/ErrorRecords.cs", StringComparison.Ordinal))
                Assert.DoesNotMatch(@"new\s+(System\.Management\.Automation\.)?ErrorRecord\s*\(", text);
            Assert.DoesNotMatch(@"new\s+MessageValidationException\s*\([^,]+,\s*\$?""", text);
            Assert.DoesNotMatch(@"new\s+MessageValidationException\s*\([^,]+,\s*[^,]*\+", text);
        }
    }
}
