using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Dialog360.MM.Commands.Sending;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Templates;
using Dialog360.MM.Errors;

namespace Dialog360.MM.Commands.Templates;

/// <summary>Builds a TemplateDefinition from the parameters (or each piped record), asks ShouldProcess, creates it through 360dialog.</summary>
[Cmdlet(VerbsCommon.New, "MMTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(MMTemplate))]
public sealed class NewMMTemplateCommand : MMCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Body { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? BodyExample { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Marketing", "Utility", "Authentication", IgnoreCase = true)]
    public string Category { get; set; } = "Marketing";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string LanguageCode { get; set; } = "en";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? HeaderText { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? HeaderExample { get; set; }

    [Parameter]
    [ValidateSet("Image", "Video", "Document", "Location", IgnoreCase = true)]
    public string? HeaderMedia { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeaderHandle { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Footer { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? UrlButton { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? QuickReply { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Component { get; set; }

    [Parameter]
    public SwitchParameter AllowCategoryChange { get; set; }

    [Parameter]
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>The most to pay for one delivery, in the WABA's currency (-Currency): the template's optimization_spec.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public object? MaxPrice { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Currency { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    protected override void ProcessRecord()
    {
        TemplateDefinition definition;
        try { definition = Build(); }
        catch (MessageValidationException ex)
        {
            WriteError(ErrorRecords.FromValidation(ex, Name));
            return;
        }
        var account = ResolveAccount(Account);
        var ttl = definition.TtlSeconds is int s ? $", time-to-live {TimeSpan.FromSeconds(s)}" : string.Empty;
        var price = definition.MaxPrice is { } max ? $", max price {max}" : string.Empty;
        if (!ShouldProcess($"{definition.Name} ({definition.LanguageCode})",
                $"Submit a {definition.CategoryText} template for review on account '{account.Name}'{ttl}{price}")) return;
        WriteVerbose($"POST {account.Client.RouteUri("v1/configs/templates")}: {System.Text.Encoding.UTF8.GetString(definition.ToJsonUtf8())}");
        try
        {
            var created = Wait(account.Client.CreateTemplateAsync(definition, CancelToken));
            WriteObject(created);
        }
        catch (Exception ex) when (ErrorRecords.IsApiFailure(ex)) { WriteError(ErrorRecords.FromApiFailure(ex, Name)); }
        finally
        {
            // Even a failed answer may follow a creation (a timeout, say): the next check or Tab lists afresh.
            account.Templates.Invalidate();
        }
    }

    private TemplateDefinition Build()
    {
        TemplateHeader? header = null;
        if (HeaderText != null && HeaderMedia != null)
            throw new MessageValidationException("HeaderMedia", ValidationReason.InvalidTemplateDefinition, "Give -HeaderText or -HeaderMedia, not both: a template has one header.");
        if (HeaderText != null) header = TemplateHeader.FromText(HeaderText, HeaderExample);
        else if (HeaderExample != null)
            throw new MessageValidationException("HeaderExample", ValidationReason.InvalidTemplateDefinition, "HeaderExample goes with -HeaderText.");
        if (HeaderMedia != null)
            header = string.Equals(HeaderMedia, "Location", StringComparison.OrdinalIgnoreCase)
                ? TemplateHeader.Location()
                : TemplateHeader.FromMedia(HeaderMedia, HeaderHandle ?? string.Empty);
        else if (HeaderHandle != null)
            throw new MessageValidationException("HeaderHandle", ValidationReason.InvalidTemplateDefinition, "HeaderHandle goes with -HeaderMedia Image, Video or Document.");

        var buttons = new List<TemplateButtonDefinition>();
        for (var i = 0; i < (UrlButton?.Length ?? 0); i++)
            buttons.Add(TemplateButtonDefinition.UrlButtonFrom(MessageParts.Unwrap(UrlButton![i]), i + 1));
        buttons.AddRange((QuickReply ?? Array.Empty<string>()).Select(TemplateButtonDefinition.QuickReply));
        var raw = (Component ?? Array.Empty<object>()).Select((c, i) => TemplateValues.RawComponent(MessageParts.Unwrap(c), i + 1)).ToList();
        if (Currency != null && MaxPrice is null)
            throw new MessageValidationException("Currency", ValidationReason.InvalidMaxPrice, "Currency goes with -MaxPrice: it names the currency of the max price.");
        var maxPrice = MaxPrice is null ? null : MMMaxPrice.FromPerDelivery(MessageParts.Unwrap(MaxPrice), Currency);

        return new TemplateDefinition(Name, LanguageCode,
            (TemplateCategory)Enum.Parse(typeof(TemplateCategory), Category, ignoreCase: true),
            Body, BodyExample, header, Footer, buttons, raw, AllowCategoryChange, TimeToLive, maxPrice);
    }
}
