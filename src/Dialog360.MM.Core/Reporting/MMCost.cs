using System.Globalization;

namespace Dialog360.MM.Core.Reporting;

/// <summary>An amount of money in one currency: what a funnel row's deliveries actually cost in it.</summary>
public sealed class MMCost
{
    internal MMCost(decimal amount, string currency, int messages)
    {
        Amount = amount;
        Currency = currency;
        Messages = messages;
    }

    public decimal Amount { get; }

    /// <summary>The currency as the webhooks named it (USD, EUR …).</summary>
    public string Currency { get; }

    /// <summary>The messages whose prices <see cref="Amount"/> sums.</summary>
    public int Messages { get; }

    /// <summary>
    /// What the rate card prices the same messages at, for a comparison: only with a card in this currency that has a
    /// price for each of them; otherwise null.
    /// </summary>
    internal decimal? RateCardEstimate { get; set; }

    public override string ToString() => Amount.ToString("0.############", CultureInfo.InvariantCulture) + " " + Currency;
}
