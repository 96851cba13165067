using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Dialog360.MM.Core.Reporting;

/// <summary>
/// Prices per delivered template message, by market and pricing category, from a CSV with the columns Market, Category,
/// Price and Currency (header names in any case and order). Market is a two-letter region (GB) or a calling code (44 or
/// +44): a number's region wins over its calling code, so +1 can have one price and US another. Since 1 July 2025 WhatsApp
/// charges per delivered template message by the recipient's market and the category in the status webhook's pricing
/// (marketing_lite on the MM route, marketing through Cloud API; docs/reference/mm-api.md, "Pricing").
/// </summary>
public sealed class RateCard
{
    /// <summary>
    /// The highest price per message a card may hold, in any currency: WhatsApp's dearest market costs under one US
    /// dollar a message (under 20,000 rupiah), so a higher price is a misplaced decimal point or a total pasted in. It also
    /// keeps every sum far from decimal's limit: int.MaxValue messages at this price are about 2e15.
    /// </summary>
    public const decimal MaxPrice = 1_000_000m;

    private readonly Dictionary<(string Market, string Category), decimal> _prices;

    internal RateCard(Dictionary<(string, string), decimal> prices, string currency)
    {
        _prices = prices;
        Currency = currency;
    }

    /// <summary>One currency per card: costs in different currencies cannot be added up.</summary>
    public string Currency { get; }

    public int Count => _prices.Count;

    public static RateCard Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    /// <exception cref="InvalidDataException">A missing column, a bad row (the message names the line), or two currencies.</exception>
    public static RateCard Parse(TextReader reader, string source)
    {
        var header = reader.ReadLine();
        if (header is null) throw new InvalidDataException($"{source}: the rate card is empty; it needs a header line Market,Category,Price,Currency.");
        var names = SplitCsv(header).Select(n => n.Trim().ToLowerInvariant()).ToList();
        int Column(string name)
        {
            var i = names.IndexOf(name);
            if (i < 0) throw new InvalidDataException($"{source}: the rate card has no '{name}' column; its header needs Market, Category, Price and Currency.");
            return i;
        }
        int market = Column("market"), category = Column("category"), price = Column("price"), currency = Column("currency");

        var prices = new Dictionary<(string, string), decimal>();
        var firstLine = new Dictionary<(string, string), int>();
        string? cardCurrency = null;
        var lineNumber = 1;
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var cells = SplitCsv(line);
            // More fields than the header: most often an unquoted decimal comma (0,038), which would shift or cut the price.
            if (cells.Count > names.Count)
                throw new InvalidDataException($"{source}, line {lineNumber}: {cells.Count} fields where the header has {names.Count}; " +
                    "write prices with a dot (0.038), or quote a field that holds a comma.");
            string Cell(int i) => i < cells.Count ? cells[i].Trim() : string.Empty;
            var key = MarketKey(Cell(market));
            if (key is null) throw new InvalidDataException($"{source}, line {lineNumber}: market '{Cell(market)}' is neither a two-letter region (GB) nor a calling code (44).");
            var cat = Cell(category).ToLowerInvariant();
            if (cat.Length == 0) throw new InvalidDataException($"{source}, line {lineNumber}: the category is empty (marketing_lite or marketing).");
            var p = Price(Cell(price), source, lineNumber);
            var cur = Cell(currency).ToUpperInvariant();
            if (cur.Length != 3 || !cur.All(c => c is >= 'A' and <= 'Z'))
                throw new InvalidDataException($"{source}, line {lineNumber}: currency '{Cell(currency)}' is not a code such as USD or EUR.");
            cardCurrency ??= cur;
            if (cur != cardCurrency)
                throw new InvalidDataException($"{source}, line {lineNumber}: currency {cur} differs from {cardCurrency}; costs in two currencies cannot be added up. Use one rate card per currency.");
            if (firstLine.TryGetValue((key, cat), out var earlier))
                throw new InvalidDataException($"{source}, line {lineNumber}: market {Cell(market)} and category {cat} already have a price on line {earlier}; keep one of the two rows.");
            firstLine[(key, cat)] = lineNumber;
            prices[(key, cat)] = p;
        }
        if (cardCurrency is null) throw new InvalidDataException($"{source}: the rate card has a header but no prices.");
        return new RateCard(prices, cardCurrency);
    }

    /// <summary>The price for this market and category: the region's row, else the calling code's.</summary>
    public bool TryGetPrice(Market market, string category, out decimal price)
    {
        var cat = category.ToLowerInvariant();
        if (market.Region != null && _prices.TryGetValue((market.Region, cat), out price)) return true;
        if (market.CallingCode is int cc && _prices.TryGetValue((cc.ToString(CultureInfo.InvariantCulture), cat), out price)) return true;
        price = 0;
        return false;
    }

    // A dot and nothing else: NumberStyles.Number would read "0,0380" (a decimal comma, as European spreadsheets write
    // it) as 380 with the comma taken for a thousands separator.
    private static decimal Price(string text, string source, int lineNumber)
    {
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) && price <= MaxPrice) return price;
        // Digits that failed to parse are past decimal's range (about 7.9e28): a price too large, like one that parsed.
        var plain = text.Any(c => c is >= '0' and <= '9') && text.All(c => c is >= '0' and <= '9' or '.') && text.Count(c => c == '.') <= 1;
        if (price > MaxPrice || plain)
            throw new InvalidDataException($"{source}, line {lineNumber}: Price '{text}' is more than {MaxPrice.ToString(CultureInfo.InvariantCulture)} per message, " +
                "which no market charges: give the price of one message, with a dot before its decimals (0.0437).");
        throw new InvalidDataException($"{source}, line {lineNumber}: price '{text}' is not a number such as 0.0437 " +
            "(a dot before the decimals, no thousands separator, no currency sign).");
    }

    private static string? MarketKey(string text)
    {
        // One optional '+', then ASCII digits: char.IsDigit would take Arabic-Indic or fullwidth digits for a calling code.
        var t = text.StartsWith("+", StringComparison.Ordinal) ? text.Substring(1) : text;
        if (t.Length >= 1 && t.Length <= 3 && t.All(c => c is >= '0' and <= '9')) return t.TrimStart('0').Length == 0 ? null : t.TrimStart('0');
        if (t.Length == 2 && t.All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z')) return t.ToUpperInvariant();
        return null;
    }

    // RFC 4180 fields: commas inside double quotes, "" for a quote.
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
