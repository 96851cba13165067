using System;
using System.Globalization;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// A send's bid_spec: per_message_bid_multiplier scales the template's max price for this one message, written as a
/// decimal in a string ("1.5"; default 1; "subject to change" during the beta: Meta, "Set a max price for marketing
/// messages"; docs/reference/mm-api.md). Meta documents no range: it must be more than 0, and the module refuses more
/// than <see cref="MaxMultiplier"/>, which is far likelier a typo (150 for 1.5) than a wish to pay more than ten times
/// the template's max price.
/// </summary>
public static class BidSpec
{
    public const decimal MaxMultiplier = 10m;

    /// <summary>A multiplier as given: a number, or text with a dot before its decimals; empty text or null is none (the template's price).</summary>
    /// <exception cref="MessageValidationException">Not a number, not more than 0, or more than <see cref="MaxMultiplier"/>.</exception>
    public static decimal? Multiplier(object? value, string field = "BidMultiplier")
    {
        switch (value)
        {
            case null: return null;
            case string text when text.Trim().Length == 0: return null;
            case decimal d: return Validate(d, field);
            case double or float or int or long or short or byte:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(number) || double.IsInfinity(number) || Math.Abs(number) > 1e15) break;
                return Validate(Convert.ToDecimal(value, CultureInfo.InvariantCulture), field);
            case string text when decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var parsed):
                return Validate(parsed, field);
        }
        throw new MessageValidationException(field, ValidationReason.InvalidBidMultiplier,
            $"{field} '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a number: give the factor for the template's max price with a dot before its decimals, e.g. 1.5.");
    }

    /// <exception cref="MessageValidationException">Not more than 0, or more than <see cref="MaxMultiplier"/>.</exception>
    public static decimal Validate(decimal multiplier, string field = "BidMultiplier")
    {
        if (multiplier > 0 && multiplier <= MaxMultiplier) return multiplier;
        throw new MessageValidationException(field, ValidationReason.InvalidBidMultiplier,
            $"{field} {ToText(multiplier)} is out of range: it multiplies the template's max price for this message, more than 0 and at most " +
            $"{ToText(MaxMultiplier)} (e.g. 1.5 to pay up to half as much again; 1, the default, is the template's price).");
    }

    /// <summary>The multiplier as the API takes it: a decimal in a string, without trailing zeros.</summary>
    public static string ToText(decimal multiplier) => multiplier.ToString("0.############", CultureInfo.InvariantCulture);
}
