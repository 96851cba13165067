using System;
using System.Text;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// Recipient numbers as the API wants them: international format, digits only ("+44 1234-567890" → "441234567890").
/// E.164 allows at most 15 digits; the shortest real international numbers have 7 or 8.
/// </summary>
public static class PhoneNumber
{
    public const int MinDigits = 7;
    public const int MaxDigits = 15;

    private static bool IsPossibleInternational(string digits)
    {
        try { return IsDialable(Util.Parse("+" + digits, "ZZ")); }
        catch (PhoneNumbers.NumberParseException) { return false; }
    }

    /// <summary>
    /// Like <see cref="Normalize(string?, string)"/>, and a number without + or 00 is read in the national format of
    /// <paramref name="defaultRegion"/> (ISO 3166 code, e.g. GB: "07911 123456" → 447911123456). Either way the number
    /// must be possible in its country (Google's libphonenumber metadata), so a digit too many is caught before sending.
    /// </summary>
    public static string Normalize(string? input, string field, string? defaultRegion)
    {
        if (string.IsNullOrEmpty(defaultRegion)) return Normalize(input, field);
        var trimmed = input?.Trim() ?? string.Empty;
        if (trimmed.StartsWith("+", StringComparison.Ordinal) || trimmed.StartsWith("00", StringComparison.Ordinal))
            return Normalize(input, field);
        if (trimmed.Length == 0) return Normalize(input, field); // the empty-input error
        var region = ValidateRegion(defaultRegion!);
        PhoneNumbers.PhoneNumber parsed;
        try { parsed = Util.Parse(trimmed, region); }
        catch (PhoneNumbers.NumberParseException ex)
        {
            throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber, $"{field} '{input}' is not a phone number in {region}: {ex.Message}");
        }
        if (!IsDialable(parsed))
            throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber,
                $"{field} '{input}' cannot be a phone number in {region} (wrong length): check the digits.");
        return Util.Format(parsed, PhoneNumbers.PhoneNumberFormat.E164).Substring(1);
    }

    // Possible from abroad: a number that is only dialable locally (too short without its area code) is refused too.
    private static bool IsDialable(PhoneNumbers.PhoneNumber number) =>
        Util.IsPossibleNumberWithReason(number) == PhoneNumbers.PhoneNumberUtil.ValidationResult.IS_POSSIBLE;

    /// <summary>The region code in capitals, or an error naming DefaultRegion.</summary>
    public static string ValidateRegion(string region)
    {
        var code = region.ToUpperInvariant();
        if (!Util.GetSupportedRegions().Contains(code))
            throw new MessageValidationException("DefaultRegion", ValidationReason.InvalidDefaultRegion,
                $"DefaultRegion '{region}' is not a region code: use a two-letter ISO 3166 code such as GB, DE or US.");
        return code;
    }

    private static PhoneNumbers.PhoneNumberUtil Util => PhoneNumbers.PhoneNumberUtil.GetInstance();

    /// <summary>Strips the punctuation people type (spaces, dashes, dots, brackets, a leading + or 00).</summary>
    public static string Normalize(string? input, string field = "To")
    {
        if (input is null || input.Trim().Length == 0)
            throw new MessageValidationException(field, ValidationReason.MissingRecipient,
                $"{field} is empty: give the recipient's number in international format, e.g. +447911123456.");

        var text = input.Trim();
        var digits = new StringBuilder(text.Length);
        var plus = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= '0' && c <= '9') digits.Append(c);
            else if (c == '+' && digits.Length == 0 && !plus) plus = true;
            else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\u00A0') continue;
            else
                throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber,
                    $"{field} '{input}' has the character '{c}': a number has only digits, spaces, dashes, brackets and a leading +.");
        }

        var number = digits.ToString();
        if (!plus && number.StartsWith("00", StringComparison.Ordinal)) number = number.Substring(2);
        else if (!plus && number.StartsWith("0", StringComparison.Ordinal))
            throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber,
                $"{field} '{input}' is in national format (leading 0): write it internationally with the country code, e.g. +44 7911 123456.");

        if (number.Length < MinDigits || number.Length > MaxDigits)
            throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber,
                $"{field} '{input}' has {number.Length} digits: an international number has {MinDigits} to {MaxDigits}, country code included.");
        if (!IsPossibleInternational(number))
            throw new MessageValidationException(field, ValidationReason.InvalidPhoneNumber,
                $"{field} '{input}' cannot be a phone number: no country code fits it, or it has the wrong length for its country.");
        return number;
    }
}
