using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Templates;

/// <summary>
/// The minor unit of each active ISO 4217 currency: how many decimals its smallest unit has (USD 2, cents; JPY 0;
/// KWD 3). A table of the module's own, from ISO 4217's list one (the maintenance agency's published table, 2025):
/// .NET has no such table (NumberFormatInfo.CurrencyDecimalDigits follows a culture's habits, not ISO 4217, and no
/// culture names the currency a WABA is billed in). Max price's bid_amount is per 1,000 deliveries "in the smallest
/// unit of the WABA's currency" (Meta, "Set a max price for marketing messages"; docs/reference/mm-api.md), which the
/// module reads as ISO 4217's minor unit. Meta's own ads currency table counts a few currencies in whole units instead
/// (IDR, HUF, TWD, COP, CRC: offset 1), and its max-price page does not say which table applies; the help says so.
/// </summary>
public static class CurrencyUnits
{
    private static readonly Dictionary<string, int> Exponents = Build();

    private static Dictionary<string, int> Build()
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        // Every other active code has two decimals.
        const string TwoDecimals =
            "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW " +
            "CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR " +
            "ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV " +
            "MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD " +
            "SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";
        foreach (var code in TwoDecimals.Split(' ')) table[code] = 2;
        foreach (var code in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".Split(' ')) table[code] = 0;
        foreach (var code in "BHD IQD JOD KWD LYD OMR TND".Split(' ')) table[code] = 3;
        foreach (var code in "CLF UYW".Split(' ')) table[code] = 4;
        return table;
    }

    /// <summary>The number of decimals of the currency's smallest unit; false for a code that is not an active ISO 4217 currency.</summary>
    public static bool TryGetDecimals(string? currency, out int decimals)
    {
        decimals = 0;
        return currency != null && Exponents.TryGetValue(currency, out decimals);
    }

    /// <summary>The currency's code in capitals, or null when it is not an active ISO 4217 currency.</summary>
    public static string? Normalize(string? currency)
    {
        var code = currency?.Trim().ToUpperInvariant();
        return code != null && Exponents.ContainsKey(code) ? code : null;
    }
}
