using System.Collections.Generic;

namespace Dialog360.MM.Emulator;

/// <summary>
/// A template as 360dialog's GET /v1/configs/templates lists it (docs/reference/mm-api.md): category in capitals,
/// status in lower case, body text with {{1}}, {{2}} placeholders.
/// </summary>
public sealed class EmulatorTemplate
{
    public EmulatorTemplate(string name, string language, string category, string status, string bodyText,
        string? headerFormat = null, string? id = null, int? timeToLiveSeconds = null, long? bidAmount = null)
    {
        TimeToLiveSeconds = timeToLiveSeconds;
        BidAmount = bidAmount;
        Name = name;
        Language = language;
        Category = category;
        Status = status;
        BodyText = bodyText;
        HeaderFormat = headerFormat;
        Id = id ?? StableId(name + "_" + language);
    }

    public string Name { get; }
    public string Language { get; }
    /// <summary>MARKETING, UTILITY or AUTHENTICATION.</summary>
    public string Category { get; }
    /// <summary>approved, pending, rejected, paused, …</summary>
    public string Status { get; }
    public string BodyText { get; }
    /// <summary>TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION; null for no header.</summary>
    public string? HeaderFormat { get; }
    public string Id { get; }
    /// <summary>message_send_ttl_seconds, when the template was created with one.</summary>
    public int? TimeToLiveSeconds { get; }
    /// <summary>
    /// The max price (optimization_spec.bid_amount) per 1,000 deliveries in the smallest unit of the emulated WABA's
    /// currency (<see cref="EmulatorOptions.Currency"/>), when the template has one: its deliveries carry pricing.cost,
    /// and /messages refuses it with 131061.
    /// </summary>
    public long? BidAmount { get; }

    // string.GetHashCode is randomised per process; ids must stay the same across runs.
    private static string StableId(string text)
    {
        uint hash = 2166136261;
        foreach (var c in text) hash = (hash ^ c) * 16777619;
        return hash.ToString("D");
    }

    /// <summary>How many distinct {{n}} placeholders the body has.</summary>
    public int BodyParameterCount => Core.Templates.MMTemplate.CountPlaceholders(BodyText);

    /// <summary>A small catalogue covering each path: approved marketing with and without parameters, one with a max
    /// price (0.05 USD a delivery), a utility template (refused on the MM route), and one still pending.</summary>
    public static readonly IReadOnlyList<EmulatorTemplate> Defaults = new[]
    {
        new EmulatorTemplate("spring_sale", "en", "MARKETING", "approved",
            "Hi {{1}}, our spring sale is on: {{2}} off everything until Sunday.", id: "1001"),
        new EmulatorTemplate("spring_sale", "de", "MARKETING", "approved",
            "Hallo {{1}}, unser Frühjahrsverkauf läuft: {{2}} Rabatt auf alles bis Sonntag.", id: "1002"),
        new EmulatorTemplate("welcome_offer", "en", "MARKETING", "approved",
            "Welcome to our shop! Reply STOP to opt out.", id: "1003"),
        new EmulatorTemplate("welcome_offer", "en_US", "MARKETING", "approved",
            "Welcome to our store! Reply STOP to opt out.", id: "1004"),
        new EmulatorTemplate("order_update", "en", "UTILITY", "approved",
            "Your order {{1}} has shipped.", id: "1005"),
        new EmulatorTemplate("winter_teaser", "en", "MARKETING", "pending",
            "Something big is coming, {{1}}.", id: "1006"),
        new EmulatorTemplate("flash_sale", "en", "MARKETING", "approved",
            "Flash sale, {{1}}: today only.", id: "1007", bidAmount: 5000),
    };
}
