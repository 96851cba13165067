using System;
using System.Collections.Generic;

namespace Dialog360.MM.Core.Time;

/// <summary>
/// Every time zone of the countries that span zones where libphonenumber maps a number that does not say where it is
/// (a mobile, not a fixed line with its area code) to fewer zones than the country has: Indonesian mobiles to Jakarta
/// only, so Jayapura (two hours ahead) was messaged after its window closed.
/// </summary>
/// <remarks>
/// Built by comparison, not by hand: for every region of IANA tzdata 2025b's zone.tab whose zones keep more than one
/// UTC-offset history (sampled every 6 hours through 2025 and 2026), every valid mobile number formed from the
/// region's example mobile by varying its first three national digits was mapped with libphonenumber-csharp 9.0.43's
/// PhoneNumberToTimeZonesMapper. Where all of a region's mobiles got one zone list and that list missed an offset
/// history of the region, the region is below with one zone per history. Regions whose mobiles map to different zones
/// by prefix (US, CA, MX, BR, FM: the area code is in the number) or already to all of them (CD, EC, ES, KI, MN, NZ,
/// PF, PT) are not. China (one legal time; Asia/Urumqi is unofficial) and Greenland (Danmarkshavn and Thule: a weather
/// station and an air base) are left out: a zone few people live by would hold back every number of the country.
/// Names are libphonenumber's where it has one (America/Godthab, which tzdata now calls America/Nuuk).
/// A person known only by a business-scoped user ID has a country and no number: <see cref="AllOf"/> gives every
/// zone of the country, and for those whose numbers say the zone by area code, the zones below, one per offset
/// history of zone.tab 2025b's entries for the country.
/// </remarks>
internal static class CountryZones
{
    private static readonly Dictionary<string, string[]> ByRegion = new(StringComparer.Ordinal)
    {
        ["AU"] = new[] { "Australia/Perth", "Australia/Eucla", "Australia/Darwin", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Australia/Lord_Howe" },
        ["CL"] = new[] { "America/Santiago", "America/Punta_Arenas", "Pacific/Easter" },
        ["ID"] = new[] { "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura" },
        ["PG"] = new[] { "Pacific/Port_Moresby", "Pacific/Bougainville" },
        ["RU"] = new[]
        {
            "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
            "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
        },
        ["UA"] = new[] { "Europe/Kyiv", "Europe/Simferopol" },
    };

    private static readonly Dictionary<string, string[]> ByAreaCode = new(StringComparer.Ordinal)
    {
        ["US"] = new[] { "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "America/Adak", "Pacific/Honolulu" },
        ["CA"] = new[] { "America/St_Johns", "America/Halifax", "America/Toronto", "America/Winnipeg", "America/Regina", "America/Edmonton", "America/Whitehorse", "America/Vancouver" },
        ["MX"] = new[] { "America/Cancun", "America/Mexico_City", "America/Chihuahua", "America/Hermosillo", "America/Mazatlan", "America/Tijuana" },
        ["BR"] = new[] { "America/Noronha", "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco" },
        ["FM"] = new[] { "Pacific/Chuuk", "Pacific/Pohnpei", "Pacific/Kosrae" },
    };

    /// <summary>Every zone of the region, for a number that does not say where in it it is; empty for a region not listed.</summary>
    public static IReadOnlyList<string> Of(string? region) =>
        region != null && ByRegion.TryGetValue(region, out var zones) ? zones : Array.Empty<string>();

    /// <summary>Every zone of a region listed here (either table); empty otherwise.</summary>
    public static IReadOnlyList<string> AllOf(string region) =>
        ByRegion.TryGetValue(region, out var zones) || ByAreaCode.TryGetValue(region, out zones) ? zones : Array.Empty<string>();
}
