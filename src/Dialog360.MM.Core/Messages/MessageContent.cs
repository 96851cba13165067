using System.Collections.Generic;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// Everything of a template message but its recipient, as one input record gives it: a campaign checks the template
/// and resolves the recipient, then builds the <see cref="TemplateMessage"/> (which validates it all).
/// </summary>
public sealed class MessageContent
{
    public string TemplateName { get; set; } = string.Empty;
    public string LanguageCode { get; set; } = "en";
    public IReadOnlyList<TemplateParameter>? BodyParameters { get; set; }
    public IReadOnlyList<TemplateParameter>? HeaderParameters { get; set; }
    public IReadOnlyList<TemplateButton>? Buttons { get; set; }
    public IReadOnlyList<string>? RawComponents { get; set; }
    public bool ActivitySharing { get; set; }
    public ProductPolicy? ProductPolicy { get; set; }
    public string? CallbackData { get; set; }
    /// <summary>bid_spec.per_message_bid_multiplier: scales the template's max price for this message (<see cref="BidSpec"/>); null: the template's.</summary>
    public decimal? BidMultiplier { get; set; }
}
