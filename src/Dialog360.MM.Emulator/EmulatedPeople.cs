using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Globalization;

namespace Dialog360.MM.Emulator;

/// <summary>
/// Someone the emulator sends to: a number with the business-scoped user ID (BSUID) WhatsApp gives it, or a BSUID the
/// emulator was sent without a number. A username user has adopted a WhatsApp username: their webhooks carry the
/// BSUID and the username, never the number (Meta, "Business-scoped user IDs"; docs/reference/mm-api.md).
/// </summary>
public sealed class EmulatedPerson
{
    internal EmulatedPerson(string? phone, string userId, string? username)
    {
        Phone = phone;
        UserId = userId;
        Username = username;
    }

    /// <summary>The number in digits; null for someone the emulator knows only by a BSUID it was sent.</summary>
    public string? Phone { get; }

    /// <summary>The BSUID, e.g. GB.48213907765530124816.</summary>
    public string UserId { get; }

    /// <summary>The username, for a username user; otherwise null.</summary>
    public string? Username { get; }

    public bool IsUsernameUser => Username != null;

    /// <summary>What the emulator counts, fails, holds and opts out the person by: the number, else the BSUID.</summary>
    public string Key => Phone ?? UserId;

    /// <summary>The number as webhooks and send answers show it: not for a username user (and not when unknown).</summary>
    internal string? SharedPhone => IsUsernameUser ? null : Phone;

    public override string ToString() => Phone != null ? $"{Phone} ({UserId})" : UserId;
}

/// <summary>
/// Everyone the emulator has seen. A number's BSUID and whether its owner is a username user follow from the seed and
/// the number alone, so a seeded run gives the same people whatever order the sends come in; a BSUID is known (maps
/// back to its number) once its number was seen.
/// </summary>
internal sealed class EmulatedPeople
{
    // Purposes of the seeded draws (the webhook timeline uses 10-140 for its own).
    private const int IdHigh = 200, IdLow = 201, UsernameDraw = 202, UsernameName = 203;

    private readonly int _seed;
    private readonly double _usernameRate;
    private readonly ISet<string> _usernames;
    private readonly ConcurrentDictionary<string, EmulatedPerson> _byPhone = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatedPerson> _byUserId = new(StringComparer.Ordinal);

    public EmulatedPeople(int seed, double usernameRate, ISet<string>? usernames = null)
    {
        _seed = seed;
        _usernameRate = usernameRate;
        _usernames = usernames ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>The person with this number (digits only), met for the first time or again.</summary>
    public EmulatedPerson ForPhone(string phone) => _byPhone.GetOrAdd(phone, p =>
    {
        var person = new EmulatedPerson(p, UserIdFor(p), UsernameFor(p));
        // Overwrites someone known only by this BSUID until now: the number's owner is who it names.
        _byUserId[person.UserId] = person;
        return person;
    });

    /// <summary>
    /// The person a BSUID names: the owner of a number seen before, or else someone the emulator knows only by this BSUID
    /// from now on (any well-formed BSUID is accepted: a test need not have sent to a number first).
    /// </summary>
    public EmulatedPerson ForUserId(string userId) =>
        _byUserId.GetOrAdd(userId, id => new EmulatedPerson(null, id, UsernameFor(id)));

    /// <summary>The person a number or BSUID names, if the emulator has seen them.</summary>
    public EmulatedPerson? Find(string numberOrUserId) =>
        _byPhone.TryGetValue(numberOrUserId, out var byPhone) ? byPhone
        : _byUserId.TryGetValue(numberOrUserId, out var byUserId) ? byUserId : null;

    /// <summary>The ISO country of the number (libphonenumber), a dot and twenty digits drawn from the seed and the number.</summary>
    private string UserIdFor(string phone)
    {
        var high = (ulong)(SeededDraw.Unit(_seed, phone, 0, IdHigh) * 1e10);
        var low = (ulong)(SeededDraw.Unit(_seed, phone, 0, IdLow) * 1e10);
        return CountryOf(phone) + "." + high.ToString("D10", CultureInfo.InvariantCulture) + low.ToString("D10", CultureInfo.InvariantCulture);
    }

    private string? UsernameFor(string key)
    {
        if (!_usernames.Contains(key) && !(SeededDraw.Unit(_seed, key, 0, UsernameDraw) < _usernameRate)) return null;
        var bits = (ulong)(SeededDraw.Unit(_seed, key, 0, UsernameName) * (1UL << 40));
        return "emu." + ToBase36(bits);
    }

    private static string ToBase36(ulong value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = string.Empty;
        do
        {
            text = digits[(int)(value % 36)] + text;
            value /= 36;
        } while (value > 0);
        return text;
    }

    /// <summary>
    /// The region libphonenumber places the number in; for a number it cannot place, the main region of its calling
    /// code (GB for 44); ZZ (ISO's "unknown") when there is none, such as +800.
    /// </summary>
    private static string CountryOf(string phone)
    {
        var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
        try
        {
            var number = util.Parse("+" + phone, "ZZ");
            var region = util.GetRegionCodeForNumber(number);
            if (!IsCountry(region)) region = util.GetRegionCodeForCountryCode(number.CountryCode);
            return IsCountry(region) ? region : "ZZ";
        }
        catch (PhoneNumbers.NumberParseException)
        {
            return "ZZ";
        }
    }

    private static bool IsCountry(string? region) => region is { Length: 2 } && region != "ZZ";
}
