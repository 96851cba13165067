using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Dialog360.MM.Core.Messages;
using Dialog360.MM.Core.Templates;

namespace Dialog360.MM.Core.Tests.Templates;

/// <summary>A template's max price: per delivery in the WABA's currency, sent as optimization_spec per 1,000 deliveries in the smallest unit.</summary>
public sealed class MaxPriceTests : EmulatedAccountTests
{
    [Theory]
    [InlineData(0.05, "USD", 5000)]          // Meta's example: $0.05 a delivery is 5000 cents per 1,000
    [InlineData(0.87, "inr", 87000)]         // paise, the code in any case
    [InlineData(0.5, "JPY", 500)]            // no minor unit
    [InlineData(0.012, "KWD", 12000)]        // three decimals
    [InlineData(0.00001, "USD", 1)]          // the smallest step: one cent per 1,000 deliveries
    public void The_price_per_delivery_becomes_bid_amount_per_1000_deliveries_in_the_smallest_unit(double price, string currency, long bid)
    {
        var max = MMMaxPrice.FromPerDelivery(price, currency);
        Assert.Equal(bid, max.BidAmount);
        Assert.Equal(currency.ToUpperInvariant(), max.Currency);
        Assert.Equal((decimal)price, max.PerDelivery);
        Assert.Equal(MMMaxPrice.BidCap, max.BidStrategy);
    }

    [Fact]
    public void Text_with_a_dot_is_read_as_a_price_and_a_decimal_comma_is_refused_rather_than_read_as_a_thousands_separator()
    {
        Assert.Equal(5000, MMMaxPrice.FromPerDelivery("0.05", "EUR").BidAmount);
        var ex = Assert.Throws<MessageValidationException>(() => MMMaxPrice.FromPerDelivery("0,05", "EUR"));
        Assert.Equal((ValidationReason.InvalidMaxPrice, "MaxPrice"), (ex.Reason, ex.Field));
        Assert.Contains("dot", ex.Message);
    }

    [Theory]
    [InlineData(0.000001, "USD", "multiple of 0.00001 USD")]     // a tenth of a cent per 1,000 deliveries
    [InlineData(0.0001, "JPY", "multiple of 0.001 JPY")]
    [InlineData(0, "USD", "more than 0")]
    [InlineData(-0.05, "USD", "more than 0")]
    [InlineData(21474.84, "USD", "more than the API can hold")]  // bid_amount is an int32
    public void A_price_the_API_cannot_hold_is_refused_with_a_message_that_says_what_would_do(double price, string currency, string says)
    {
        var ex = Assert.Throws<MessageValidationException>(() => MMMaxPrice.FromPerDelivery(price, currency));
        Assert.Equal(ValidationReason.InvalidMaxPrice, ex.Reason);
        Assert.Contains(says, ex.Message);
    }

    [Theory]
    [InlineData(null, "needs -Currency")]
    [InlineData("USX", "not an ISO 4217 currency")]
    [InlineData("dollar", "not an ISO 4217 currency")]
    public void A_missing_or_unknown_currency_is_refused_naming_Currency(string? currency, string says)
    {
        var ex = Assert.Throws<MessageValidationException>(() => MMMaxPrice.FromPerDelivery(0.05, currency));
        Assert.Equal(("Currency", ValidationReason.InvalidMaxPrice), (ex.Field, ex.Reason));
        Assert.Contains(says, ex.Message);
    }

    [Fact]
    public void The_definition_writes_optimization_spec_and_only_for_marketing_templates()
    {
        var d = new TemplateDefinition("flash", "en", TemplateCategory.Marketing, "Today only", maxPrice: MMMaxPrice.FromPerDelivery(0.05, "USD"));
        var spec = JsonDocument.Parse(d.ToJsonUtf8()).RootElement.GetProperty("optimization_spec");
        Assert.Equal("{\"bid_amount\":5000,\"bid_strategy\":\"LOWEST_COST_WITH_BID_CAP\"}", spec.GetRawText());
        Assert.False(JsonDocument.Parse(new TemplateDefinition("plain", "en", TemplateCategory.Marketing, "Hi").ToJsonUtf8()).RootElement
            .TryGetProperty("optimization_spec", out _));

        var ex = Assert.Throws<MessageValidationException>(() =>
            new TemplateDefinition("order", "en", TemplateCategory.Utility, "Shipped", maxPrice: MMMaxPrice.FromPerDelivery(0.05, "USD")));
        Assert.Equal(ValidationReason.InvalidMaxPrice, ex.Reason);
    }

    [Fact]
    public async Task A_created_template_keeps_its_max_price_and_the_listing_shows_the_bid()
    {
        var definition = new TemplateDefinition("flash_friday", "en", TemplateCategory.Marketing, "Hi {{1}}, today only.", new[] { "Maria" },
            maxPrice: MMMaxPrice.FromPerDelivery(0.035m, "EUR"));
        var created = await Client.CreateTemplateAsync(definition, CancellationToken.None);
        Assert.Equal((3500L, "EUR", 0.035m), (created.MaxPrice!.BidAmount, created.MaxPrice.Currency, created.MaxPrice.PerDelivery));
        Assert.Equal("0.035 EUR per delivery", created.MaxPrice.ToString());

        var listed = (await Client.ListTemplatesAsync(CancellationToken.None)).Single(t => t.Name == "flash_friday");
        Assert.Equal(3500, listed.MaxPrice!.BidAmount);
        // The listing does not name the currency: the bid is shown as it is kept, and can be read in the WABA's currency.
        Assert.Null(listed.MaxPrice.PerDelivery);
        Assert.Equal("bid_amount 3500 per 1,000 deliveries", listed.MaxPrice.ToString());
        Assert.Equal(0.035m, listed.MaxPrice.InCurrency("EUR").PerDelivery);
        Assert.Null((await Client.ListTemplatesAsync(CancellationToken.None)).Single(t => t.Name == "welcome_offer" && t.LanguageCode == "en").MaxPrice);
    }

    [Fact]
    public void Another_templates_max_price_is_taken_with_its_bid_whatever_the_currency_is_called()
    {
        var listed = MMTemplate.Parse(JsonDocument.Parse("{\"name\":\"a\",\"optimization_spec\":{\"bid_amount\":5000,\"bid_strategy\":\"LOWEST_COST_WITH_BID_CAP\"}}").RootElement);
        Assert.Same(listed.MaxPrice, MMMaxPrice.FromPerDelivery(listed.MaxPrice, null));
        Assert.Equal(0.05m, MMMaxPrice.FromPerDelivery(listed.MaxPrice, "usd").PerDelivery);
    }
}
