using System;
using System.Globalization;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Templates;

/// <summary>
/// A template's max price: the most the business pays for one delivery of a message sent with it through the Marketing
/// Messages API (Meta, "Set a max price for marketing messages", open beta since 2026-10-01; 360dialog, "Max price for
/// Marketing Messages"; docs/reference/mm-api.md). The API keeps it as the template's optimization_spec: bid_amount per
/// 1,000 deliveries in the smallest unit of the WABA's currency (0.05 USD a delivery is 5000) and bid_strategy
/// LOWEST_COST_WITH_BID_CAP. The template does not name its currency: <see cref="PerDelivery"/> is known only where the
/// currency was given (New-MMTemplate -Currency, or <see cref="InCurrency"/>).
/// </summary>
public sealed class MMMaxPrice
{
    /// <summary>The one strategy max price has: Meta charges the max price or less.</summary>
    public const string BidCap = "LOWEST_COST_WITH_BID_CAP";

    internal MMMaxPrice(long bidAmount, string? bidStrategy, string? currency)
    {
        BidAmount = bidAmount;
        BidStrategy = string.IsNullOrEmpty(bidStrategy) ? BidCap : bidStrategy!;
        if (currency != null && CurrencyUnits.TryGetDecimals(currency, out var decimals))
        {
            Currency = currency;
            PerDelivery = bidAmount / 1000m / Pow10(decimals);
        }
    }

    /// <summary>bid_amount: the max price per 1,000 deliveries, in the smallest unit of the WABA's currency (cents for USD).</summary>
    public long BidAmount { get; }

    /// <summary>bid_strategy: LOWEST_COST_WITH_BID_CAP.</summary>
    public string BidStrategy { get; }

    /// <summary>The WABA's currency, when it was given; the template listing does not name it.</summary>
    public string? Currency { get; }

    /// <summary>The most paid for one delivery, in <see cref="Currency"/>; null while the currency is not known.</summary>
    public decimal? PerDelivery { get; }

    /// <summary>The same max price read in this currency (the WABA's), e.g. $t.MaxPrice.InCurrency('USD').PerDelivery.</summary>
    /// <exception cref="MessageValidationException">The code is not an ISO 4217 currency.</exception>
    public MMMaxPrice InCurrency(string currency) => new(BidAmount, BidStrategy, CheckCurrency(currency, "Currency"));

    public override string ToString() => PerDelivery is decimal price
        ? $"{Text(price)} {Currency} per delivery"
        : $"bid_amount {BidAmount.ToString(CultureInfo.InvariantCulture)} per 1,000 deliveries";

    /// <summary>
    /// The max price for one delivery in the WABA's currency, as a number or as text with a dot before its decimals
    /// ("0.05"; a decimal comma is refused rather than read as a thousands separator, which would multiply the price),
    /// or another template's <see cref="MMMaxPrice"/>.
    /// </summary>
    /// <exception cref="MessageValidationException">No currency or an unknown one, a price that is not more than 0, or one
    /// that bid_amount cannot hold: not a whole number of the smallest unit per 1,000 deliveries, or more than its int32.</exception>
    public static MMMaxPrice FromPerDelivery(object? value, string? currency, string field = "MaxPrice")
    {
        // Another template's max price (Get-MMTemplate piped on) keeps its bid, whatever the currency.
        if (value is MMMaxPrice given) return currency is null ? given : given.InCurrency(currency);
        var code = CheckCurrency(currency, "Currency");
        CurrencyUnits.TryGetDecimals(code, out var decimals);
        var price = ToDecimal(value, field);
        if (price <= 0)
            throw Invalid(field, $"{field} {Text(price)} {code}: give the most you will pay for one delivery, more than 0, e.g. -{field} 0.05.");
        decimal bid;
        try { bid = price * 1000m * Pow10(decimals); }
        catch (OverflowException) { bid = decimal.MaxValue; }
        if (bid != decimal.Truncate(bid))
        {
            var step = 1m / 1000m / Pow10(decimals);
            throw Invalid(field, $"{field} {Text(price)} {code} is not a whole number of the smallest unit of {code} per 1,000 deliveries, " +
                $"which is how the API keeps it (bid_amount): give a multiple of {Text(step)} {code}, e.g. {Text(decimal.Round(price / step) * step)}.");
        }
        if (bid > int.MaxValue)
            throw Invalid(field, $"{field} {Text(price)} {code} is more than the API can hold (bid_amount is at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)} " +
                $"per 1,000 deliveries, {Text(int.MaxValue / 1000m / Pow10(decimals))} {code} per delivery): give the price of one delivery, e.g. -{field} 0.05.");
        return new MMMaxPrice((long)bid, BidCap, code);
    }

    /// <summary>optimization_spec as a template carries it: bid_amount (a whole number) and bid_strategy; null when absent or unreadable.</summary>
    internal static MMMaxPrice? Parse(System.Text.Json.JsonElement spec)
    {
        if (spec.ValueKind != System.Text.Json.JsonValueKind.Object || !spec.TryGetProperty("bid_amount", out var amount)) return null;
        long bid = 0;
        var read = amount.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Number => amount.TryGetInt64(out bid),
            System.Text.Json.JsonValueKind.String => long.TryParse(amount.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out bid),
            _ => false,
        };
        if (!read) return null;
        var strategy = spec.TryGetProperty("bid_strategy", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String ? s.GetString() : null;
        return bid > 0 ? new MMMaxPrice(bid, strategy, null) : null;
    }

    internal void WriteTo(System.Text.Json.Utf8JsonWriter w)
    {
        w.WriteStartObject("optimization_spec");
        w.WriteNumber("bid_amount", BidAmount);
        w.WriteString("bid_strategy", BidStrategy);
        w.WriteEndObject();
    }

    private static string CheckCurrency(string? currency, string field)
    {
        if (string.IsNullOrWhiteSpace(currency))
            throw Invalid(field, "A max price needs -Currency: the currency the WABA is billed in (e.g. USD, EUR, INR), which the module cannot read from the API.");
        return CurrencyUnits.Normalize(currency) ??
            throw Invalid(field, $"{field} '{currency}' is not an ISO 4217 currency code such as USD, EUR or INR.");
    }

    private static decimal ToDecimal(object? value, string field)
    {
        switch (value)
        {
            case decimal d: return d;
            case double or float or int or long or short or byte:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(number) || double.IsInfinity(number) || Math.Abs(number) > 1e15) break;
                return Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            case string text when decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var parsed):
                return parsed;
        }
        throw Invalid(field, $"{field} '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a price: give a number with a dot before its decimals, e.g. 0.05 (no currency sign, no thousands separator).");
    }

    private static decimal Pow10(int decimals)
    {
        var result = 1m;
        for (var i = 0; i < decimals; i++) result *= 10m;
        return result;
    }

    internal static string Text(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);

    private static MessageValidationException Invalid(string field, string message) => new(field, ValidationReason.InvalidMaxPrice, message);
}
