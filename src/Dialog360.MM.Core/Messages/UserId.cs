using System.Text.RegularExpressions;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// Business-scoped user IDs (BSUIDs): the identifier WhatsApp gives a person for one business portfolio, e.g.
/// <c>US.13491208655302741918</c>; a parent BSUID <c>US.ENT.…</c> spans linked portfolios. The two letters are the
/// ISO 3166 country of the person's number. Case-sensitive: kept and sent exactly as received. (Meta, "Business-scoped
/// user IDs"; docs/reference/mm-api.md.)
/// </summary>
public static class UserId
{
    private static readonly Regex Pattern = new(@"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}\z", RegexOptions.CultureInvariant);

    public static bool IsUserId(string? text) => text != null && Pattern.IsMatch(text.Trim());

    /// <summary>The BSUID without surrounding blanks, or an InvalidUserId error naming <paramref name="field"/>.</summary>
    public static string Validate(string? text, string field = "UserId")
    {
        var trimmed = text?.Trim();
        if (trimmed is null || !Pattern.IsMatch(trimmed))
            throw new MessageValidationException(field, ValidationReason.InvalidUserId,
                $"{field} '{text}' is not a business-scoped user ID: it is two capital letters, a dot and 1-128 letters or digits " +
                "(a parent ID has ENT. after the dot), e.g. US.13491208655302741918. Copy it exactly as WhatsApp sent it.");
        return trimmed;
    }

    /// <summary>The ISO 3166 country the ID was issued for ("US"): where the person's number is from.</summary>
    public static string CountryOf(string userId) => userId.Substring(0, 2);

    /// <summary>A parent BSUID (CC.ENT.…), shared across a business's linked portfolios.</summary>
    public static bool IsParent(string userId) => userId.Length > 7 && string.CompareOrdinal(userId, 2, ".ENT.", 0, 5) == 0;
}
