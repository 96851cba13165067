using System.Collections.Generic;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.People;

/// <summary>
/// A recipient: a phone number, a business-scoped user ID, or both. A send goes to the phone when there is one
/// (Meta's advice: webhooks then keep carrying the number) and to the BSUID, as <c>recipient</c>, otherwise.
/// </summary>
public sealed class Person
{
    public Person(string? phone, string? userId, string? parentUserId = null)
    {
        Phone = string.IsNullOrEmpty(phone) ? null : phone;
        UserId = string.IsNullOrEmpty(userId) ? null : userId;
        ParentUserId = string.IsNullOrEmpty(parentUserId) ? null : parentUserId;
    }

    /// <summary>International number in digits, or null.</summary>
    public string? Phone { get; }

    /// <summary>BSUID, or null.</summary>
    public string? UserId { get; }

    /// <summary>Parent BSUID (CC.ENT.…), or null.</summary>
    public string? ParentUserId { get; }

    /// <summary>What a result and a log line show for the person: the number, else the BSUID.</summary>
    public string Display => Phone ?? UserId ?? string.Empty;

    /// <summary>The keys this person is known by in the journal, the suppression list and the identities: the
    /// number's key (<see cref="PhoneKey"/>) and the BSUIDs as they are.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            if (Phone != null) yield return PhoneKey.Of(Phone);
            if (UserId != null) yield return UserId;
            if (ParentUserId != null) yield return ParentUserId;
        }
    }

    /// <summary>
    /// The person an input record names: a number (in any format <see cref="PhoneNumber.Normalize(string?, string, string?)"/>
    /// takes), a BSUID, or both. A BSUID where a number belongs is refused with an error that names the BSUID's parameter.
    /// </summary>
    /// <exception cref="MessageValidationException">Neither is given, the number is not one, or the BSUID is not one.</exception>
    public static Person From(string? phone, string? userId, string? defaultRegion, string phoneField = "To", string userIdField = "UserId")
    {
        var hasPhone = !string.IsNullOrWhiteSpace(phone);
        var hasUserId = !string.IsNullOrWhiteSpace(userId);
        if (!hasPhone && !hasUserId)
            throw new MessageValidationException(phoneField, ValidationReason.MissingRecipient,
                $"{phoneField} is empty and so is {userIdField}: give the recipient's number in international format (e.g. +447911123456), " +
                $"or their business-scoped user ID in -{userIdField} (e.g. US.13491208655302741918).");
        if (hasPhone && Messages.UserId.IsUserId(phone))
            throw new MessageValidationException(phoneField, ValidationReason.InvalidPhoneNumber,
                $"{phoneField} '{phone}' is a business-scoped user ID, not a phone number: give it to -{userIdField} (a CSV column named " +
                $"UserId, BSUID or user_id binds there). WhatsApp drops a BSUID sent as a number, so it is never sent that way.");
        var digits = hasPhone ? PhoneNumber.Normalize(phone, phoneField, defaultRegion) : null;
        var id = hasUserId ? Messages.UserId.Validate(userId, userIdField) : null;
        return new Person(digits, id);
    }

    /// <summary>
    /// The recipients of one input record: -To's numbers and -UserId's BSUIDs side by side (a CSV row gives one of
    /// each, or one of the two), or either list alone.
    /// </summary>
    /// <exception cref="MessageValidationException">Both lists are given with different lengths.</exception>
    public static IReadOnlyList<(string? Phone, string? UserId)> Zip(IReadOnlyList<string> phones, IReadOnlyList<string>? userIds)
    {
        var ids = userIds ?? System.Array.Empty<string>();
        if (phones.Count > 0 && ids.Count > 0 && phones.Count != ids.Count)
            throw new MessageValidationException("UserId", ValidationReason.MissingRecipient,
                $"-To has {phones.Count} numbers and -UserId {ids.Count} user IDs: give them in pairs (the same person at the same place), or one of the two.");
        var pairs = new List<(string?, string?)>(System.Math.Max(phones.Count, ids.Count));
        for (var i = 0; i < System.Math.Max(phones.Count, ids.Count); i++)
            pairs.Add((i < phones.Count ? phones[i] : null, i < ids.Count ? ids[i] : null));
        return pairs;
    }

    public override string ToString() => Phone != null && UserId != null ? $"{Phone} ({UserId})" : Display;
}
