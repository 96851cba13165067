using Dialog360.MM.Core.People;
using Dialog360.MM.Core.Webhooks;

namespace Dialog360.MM.Core.State;

/// <summary>
/// Who is who, as webhook events tell it: the number and the business-scoped user IDs one event gives for one person.
/// A status names its recipient (recipient_id or the contact's wa_id, recipient_user_id or the contact's user_id, the
/// parent), an inbound message its sender, a user_preferences event the person who stopped or resumed, and a
/// user_changed_user_id system message the BSUID that replaced another. Learned into the suppression list, these let
/// a stop that came with only a BSUID hold back a later send to the number.
/// </summary>
public static class WebhookIdentities
{
    /// <summary>The keys the event gives for one person, or null when it gives fewer than two.</summary>
    public static IdentityPair? PairOf(MMWebhookEvent e)
    {
        IdentityPair pair;
        switch (e)
        {
            case MMStatusEvent s:
                pair = new IdentityPair(Digits(s.RecipientId), Id(s.UserId), Id(s.ParentUserId));
                break;
            case MMMessageEvent m when m.SystemType == "user_changed_user_id":
                pair = new IdentityPair(null, Id(m.NewUserId), previousUserId: Id(m.PreviousUserId));
                break;
            // Other system messages are left out: after a number change, "from" is the old number, and which BSUID
            // comes with it is not documented.
            case MMMessageEvent m when m.SystemType is null:
                pair = new IdentityPair(Digits(m.From), Id(m.UserId), Id(m.ParentUserId));
                break;
            case MMUserPreferenceEvent p:
                pair = new IdentityPair(Digits(p.WaId), Id(p.UserId), Id(p.ParentUserId));
                break;
            default:
                return null;
        }
        return pair.IsPair ? pair : null;
    }

    /// <summary>
    /// A wa_id as WhatsApp writes it (digits, international): checked by form only, since every status of a file may
    /// carry one and libphonenumber per event would cost more than the reading; anything else is no number.
    /// </summary>
    private static string? Digits(string? waId)
    {
        if (waId is null || waId.Length < Messages.PhoneNumber.MinDigits || waId.Length > Messages.PhoneNumber.MaxDigits) return null;
        foreach (var c in waId) if (c < '0' || c > '9') return null;
        return waId;
    }

    private static string? Id(string? userId) => Messages.UserId.IsUserId(userId) && userId!.Trim() == userId ? userId : null;
}
