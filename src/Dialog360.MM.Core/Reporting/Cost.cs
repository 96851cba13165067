using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// A recipient's market: the region libphonenumber gives its number (GB), and its calling code (44); for a recipient
/// known only by a business-scoped user ID, the country the ID was issued for (its prefix: the country of the person's
/// number) and that country's calling code.
/// </summary>
public readonly struct Market
{
    public const string Unknown = "(unknown)";
    // Numbers repeat across a campaign's statuses (sent, delivered, read): parse each once.
    private static readonly ConcurrentDictionary<string, Market> Cache = new(StringComparer.Ordinal);

    public Market(string? region, int? callingCode)
    {
        Region = region;
        CallingCode = callingCode;
    }

    public string? Region { get; }
    public int? CallingCode { get; }

    /// <summary>The row name -GroupBy Market shows: the region, else +calling code, else (unknown).</summary>
    public override string ToString() => Region ?? (CallingCode is int cc ? "+" + cc : Unknown);

    /// <summary>From a wa_id / recipient_id (digits, international format) or a BSUID (US.13491208655302741918).</summary>
    public static Market Of(string? recipient)
    {
        if (string.IsNullOrEmpty(recipient)) return default;
        return Cache.GetOrAdd(recipient!, r =>
        {
            var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
            if (Messages.UserId.IsUserId(r))
            {
                // 0 for a prefix libphonenumber knows no calling code for: an unknown market, as an unparsable number is.
                var region = Messages.UserId.CountryOf(r);
                var code = util.GetCountryCodeForRegion(region);
                return code == 0 ? default : new Market(region, code);
            }
            try
            {
                var number = util.Parse("+" + r.TrimStart('+'), "ZZ");
                var region = util.GetRegionCodeForNumber(number);
                return new Market(string.IsNullOrEmpty(region) || region == "ZZ" || region == "001" ? null : region, number.CountryCode);
            }
            catch (PhoneNumbers.NumberParseException)
            {
                return default;
            }
        });
    }
}

/// <summary>
/// Billable messages per pricing category for one funnel row, what they actually cost and, with a rate card, the
/// estimated cost of the rest. A message counts once, when a status of it said pricing.billable true or named its price
/// (docs/reference/mm-api.md, "Pricing"). Max-price deliveries name their actual price (pricing.cost, "Max price …"):
/// those are summed per currency, never across currencies, and only the messages without one are priced by the card.
/// </summary>
internal sealed class CostTally
{
    public const string MarketingLite = "marketing_lite";
    public const string Marketing = "marketing";

    private readonly RateCard? _card;
    private readonly SortedDictionary<string, int> _missing = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ActualSum> _actual = new(StringComparer.Ordinal);

    public CostTally(RateCard? card) => _card = card;

    public int BillableMarketingLite { get; private set; }
    public int BillableMarketing { get; private set; }
    public int BillableOther { get; private set; }
    public decimal Cost { get; private set; }
    public int Unpriced { get; private set; }
    /// <summary>Messages whose webhooks named their actual price.</summary>
    public int Priced { get; private set; }
    /// <summary>Messages without an actual price: priced by the card, when there is one.</summary>
    public int Estimated { get; private set; }

    /// <summary>
    /// A price a webhook named is taken when a delivery can cost it: from 0 to <see cref="RateCard.MaxPrice"/>, in a
    /// currency written as three letters; anything else is no price, and the message is estimated like one without.
    /// </summary>
    public static bool IsActualPrice(decimal? amount, string? currency) =>
        amount is decimal a && a >= 0 && a <= RateCard.MaxPrice && currency is { Length: 3 } c && c.All(ch => ch is >= 'A' and <= 'Z' or >= 'a' and <= 'z');

    /// <param name="actual">The price the message's webhooks named (checked with <see cref="IsActualPrice"/>), or null.</param>
    public void Add(string? recipient, string? category, decimal? actual = null, string? currency = null)
    {
        var cat = (category ?? string.Empty).ToLowerInvariant();
        if (cat == MarketingLite) BillableMarketingLite++;
        else if (cat == Marketing) BillableMarketing++;
        else BillableOther++;
        var market = _card is null ? default : Market.Of(recipient);
        var price = 0m;
        var carded = _card != null && cat.Length > 0 && _card.TryGetPrice(market, cat, out price);
        if (actual is decimal amount && currency != null)
        {
            // At most RateCard.MaxPrice a message: far from decimal's limit for any count of messages.
            var code = currency.ToUpperInvariant();
            if (!_actual.TryGetValue(code, out var sum)) _actual[code] = sum = new ActualSum();
            sum.Amount += amount;
            sum.Messages++;
            if (carded) sum.CardEstimate += price;
            else sum.Uncarded++;
            Priced++;
            return;
        }
        Estimated++;
        if (_card is null) return;
        if (carded)
        {
            // RateCard.MaxPrice keeps this far from decimal's limit; should the two ever meet, the cmdlet reports InvalidRateCard.
            try { Cost += price; }
            catch (OverflowException ex)
            {
                throw new InvalidDataException($"The estimated cost is more than {decimal.MaxValue.ToString("N0", CultureInfo.InvariantCulture)} {_card.Currency}, the most a sum can hold: " +
                    $"check the rate card's price for {market} {cat} ({price.ToString(CultureInfo.InvariantCulture)}).", ex);
            }
            return;
        }
        Unpriced++;
        var key = $"{market} {(cat.Length == 0 ? "(no category)" : cat)}";
        _missing[key] = _missing.TryGetValue(key, out var n) ? n + 1 : 1;
    }

    public void WriteTo(MMCampaignSummary summary)
    {
        summary.BillableMarketingLite = BillableMarketingLite;
        summary.BillableMarketing = BillableMarketing;
        summary.BillableOther = BillableOther;
        summary.PricedMessages = Priced;
        summary.EstimatedMessages = Estimated;
        var actual = new List<MMCost>(_actual.Count);
        foreach (var cost in _actual)
        {
            // What the card would have said for the same messages: only when it prices all of them, in this currency.
            var estimate = _card != null && cost.Value.Uncarded == 0 && string.Equals(_card.Currency, cost.Key, StringComparison.OrdinalIgnoreCase)
                ? cost.Value.CardEstimate : (decimal?)null;
            actual.Add(new MMCost(cost.Value.Amount, cost.Key, cost.Value.Messages) { RateCardEstimate = estimate });
        }
        summary.ActualCosts = actual;
        if (actual.Count == 1) (summary.ActualCost, summary.ActualCurrency) = (actual[0].Amount, actual[0].Currency);
        if (_card is null) return;
        summary.EstimatedCost = Cost;
        summary.Currency = _card.Currency;
        summary.UnpricedMessages = Unpriced;
        summary.MissingRates = string.Join(", ", _missing.Select(m => $"{m.Key} ({m.Value})"));
        summary.MissingRateCounts = new Dictionary<string, int>(_missing, StringComparer.Ordinal);
    }

    private sealed class ActualSum
    {
        public decimal Amount;
        public int Messages;
        /// <summary>The rate card's prices for the same messages, and how many of them it has no price for.</summary>
        public decimal CardEstimate;
        public int Uncarded;
    }
}
