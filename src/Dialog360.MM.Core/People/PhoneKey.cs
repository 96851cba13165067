namespace Dialog360.MM.Core.People;

/// <summary>
/// One key for the forms in which one person's number travels. WhatsApp's wa_id keeps some countries' older forms,
/// while audiences write today's: Brazil's mobiles without the ninth digit (55 11 8765 4321 for 55 11 98765 4321),
/// Mexico's mobiles with the 1 after the country code (521 …), Argentina's with the 9 after it (549 11 …, which
/// people write +54 11 …). Both forms of such a number get the same key, so that a stop, a journal entry or a
/// duplicate under one form holds back the other. The forms are those WhatsApp documents for wa_id and that
/// integrators report (docs/reference/mm-api.md); any other number is its own key.
/// </summary>
public static class PhoneKey
{
    /// <param name="digits">An international number in digits, as the module keeps it.</param>
    public static string Of(string digits)
    {
        switch (digits.Length)
        {
            // Brazil: 55, a two-digit area code, and an eight-digit mobile from before the ninth digit (6-9 first).
            case 12 when digits.StartsWith("55", System.StringComparison.Ordinal) && digits[4] >= '6':
                return digits.Substring(0, 4) + "9" + digits.Substring(4);
            // Mexico: 52 1 and ten digits is 52 and those ten.
            case 13 when digits.StartsWith("521", System.StringComparison.Ordinal):
                return "52" + digits.Substring(3);
            // Argentina: 54 9 and ten digits (the international mobile form) is 54 and those ten.
            case 13 when digits.StartsWith("549", System.StringComparison.Ordinal):
                return "54" + digits.Substring(3);
            default:
                return digits;
        }
    }
}
