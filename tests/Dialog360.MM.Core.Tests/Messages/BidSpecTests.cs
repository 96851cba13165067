using System.Text;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Messages;

/// <summary>A send's bid multiplier: bid_spec.per_message_bid_multiplier, a decimal in a string, checked before it is sent.</summary>
public class BidSpecTests
{
    private static string Json(decimal? multiplier) => Encoding.UTF8.GetString(
        new TemplateMessage("441234567890", null, new MessageContent { TemplateName = "flash_sale", BidMultiplier = multiplier }).ToJsonUtf8());

    [Fact]
    public void A_multiplier_is_written_as_bid_spec_with_the_decimal_in_a_string_and_none_without_one()
    {
        Assert.EndsWith(",\"bid_spec\":{\"per_message_bid_multiplier\":\"1.5\"}}", Json(1.50m));
        Assert.Contains("\"per_message_bid_multiplier\":\"0.8\"", Json(0.8m));
        Assert.DoesNotContain("bid_spec", Json(null));
    }

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData("1.25", "1.25")]
    [InlineData(" 2 ", "2")]
    [InlineData(3, "3")]
    public void Numbers_and_text_with_a_dot_are_read_as_the_multiplier(object given, string sent) =>
        Assert.Equal(sent, BidSpec.ToText(BidSpec.Multiplier(given)!.Value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Nothing_or_an_empty_CSV_cell_is_the_templates_price(object? given) => Assert.Null(BidSpec.Multiplier(given));

    [Theory]
    [InlineData("1,5", "not a number")]       // a decimal comma, which would otherwise be read as 15
    [InlineData("abc", "not a number")]
    [InlineData(0, "out of range")]
    [InlineData(-1.5, "out of range")]
    [InlineData(150, "out of range")]         // 150 for 1.5: 150 times the template's max price
    [InlineData(double.NaN, "not a number")]
    public void A_multiplier_that_is_not_a_factor_above_0_and_at_most_10_is_refused_naming_BidMultiplier(object given, string says)
    {
        var ex = Assert.Throws<MessageValidationException>(() => BidSpec.Multiplier(given));
        Assert.Equal(("BidMultiplier", ValidationReason.InvalidBidMultiplier), (ex.Field, ex.Reason));
        Assert.Contains(says, ex.Message);
    }

    [Fact]
    public void A_message_built_with_a_multiplier_out_of_range_is_refused_before_anything_is_written()
    {
        var ex = Assert.Throws<MessageValidationException>(() => Json(0m));
        Assert.Equal(ValidationReason.InvalidBidMultiplier, ex.Reason);
    }
}
