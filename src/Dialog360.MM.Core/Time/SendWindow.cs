using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dialog360.MM.Core.Messages;
using PhoneNumbers;

namespace Dialog360.MM.Core.Time;

/// <summary>
/// The hours of the recipient's own day in which a campaign may reach them (-SendWindow '09:00-20:00'). Each number's
/// time zones come from libphonenumber's time-zone map (PhoneNumberToTimeZonesMapper: the zones of the number's
/// area, or of its whole country), and for a number that is no fixed line in a country of <see cref="CountryZones"/>
/// every zone of that country; where a number maps to several zones, the window must be open in all of them, so
/// nobody is woken in the country's other half. -TimeZone forces one zone for every recipient. A window may run past
/// midnight ('20:00-02:00'). The window is open while the local clock reads a time inside it, so at a clock change it
/// opens with the jump that skips its opening time, and on the first of two passes of it.
/// </summary>
public sealed class SendWindow
{
    private static readonly Lazy<PhoneNumberToTimeZonesMapper> Mapper = new(PhoneNumberToTimeZonesMapper.GetInstance);
    private readonly ConcurrentDictionary<string, TimeZoneInfo[]> _zonesByPrefix = new(StringComparer.Ordinal);
    private readonly TimeZoneInfo? _forced;

    public SendWindow(TimeSpan opens, TimeSpan closes, TimeZoneInfo? forcedZone = null)
    {
        if (opens < TimeSpan.Zero || opens >= TimeSpan.FromDays(1) || closes < TimeSpan.Zero || closes > TimeSpan.FromDays(1) || opens == closes)
            throw new MessageValidationException("SendWindow", ValidationReason.InvalidSendWindow,
                $"SendWindow '{opens:hh\\:mm}-{closes:hh\\:mm}': a send window opens and closes at two different times of day, e.g. '09:00-20:00'.");
        Opens = opens;
        Closes = closes;
        _forced = forcedZone;
    }

    public TimeSpan Opens { get; }
    public TimeSpan Closes { get; }

    /// <exception cref="MessageValidationException">Not 'HH:mm-HH:mm' (seconds allowed).</exception>
    public static SendWindow Parse(string text, TimeZoneInfo? forcedZone = null)
    {
        var parts = (text ?? string.Empty).Split('-');
        if (parts.Length != 2 || !TryTime(parts[0], out var opens) || !TryTime(parts[1], out var closes))
            throw new MessageValidationException("SendWindow", ValidationReason.InvalidSendWindow,
                $"SendWindow '{text}' is not a send window: give the local opening and closing times as 'HH:mm-HH:mm', e.g. '09:00-20:00'.");
        return new SendWindow(opens, closes, forcedZone);
    }

    /// <exception cref="MessageValidationException">No such time zone on this machine.</exception>
    public static TimeZoneInfo FindZone(string id)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException || ex is InvalidTimeZoneException)
        {
            throw new MessageValidationException("TimeZone", ValidationReason.InvalidTimeZone,
                $"TimeZone '{id}' is not a time zone this machine knows: give an IANA id such as 'Europe/Berlin' (Windows PowerShell 5.1 needs a Windows id such as 'W. Europe Standard Time').");
        }
    }

    private static bool TryTime(string text, out TimeSpan time)
    {
        text = text.Trim();
        if (text == "24:00") { time = TimeSpan.FromDays(1); return true; }
        return TimeSpan.TryParseExact(text, new[] { @"hh\:mm", @"h\:mm", @"hh\:mm\:ss" }, CultureInfo.InvariantCulture, out time);
    }

    /// <summary>When the window is next open for this number: <paramref name="now"/> itself when it is open now.</summary>
    /// <exception cref="MessageValidationException">The number's zones are unknown, or never share an open hour.</exception>
    public DateTimeOffset NextOpening(string digits, DateTimeOffset now) => NextOpening(ZonesOf(digits), "+" + digits, now);

    /// <summary>
    /// When the window is next open for a person known only by a business-scoped user ID, whose two letters name their
    /// country and nothing more: open in every zone of the country, as for a number that does not say where it is.
    /// </summary>
    /// <exception cref="MessageValidationException">The country's zones are unknown, or never share an open hour.</exception>
    public DateTimeOffset NextOpeningInCountry(string region, string who, DateTimeOffset now) => NextOpening(ZonesOfCountry(region, who), who, now);

    private DateTimeOffset NextOpening(TimeZoneInfo[] zones, string who, DateTimeOffset now)
    {
        if (zones.All(z => IsOpen(z, now))) return now;
        // The window opens in a zone only when its clock comes to read a time inside it: at the opening time (both
        // passes of it when the clock goes back, the jump when the clock skips it), or when the clock goes back over
        // the closing time. The shared open time starts at the first such instant that is open in every zone.
        var candidates = new List<DateTimeOffset>();
        foreach (var zone in zones)
        {
            var local = TimeZoneInfo.ConvertTime(now, zone);
            for (var day = -1; day <= 2; day++)
            {
                var date = new DateTime(local.Date.AddDays(day).Ticks, DateTimeKind.Unspecified);
                candidates.AddRange(Instants(zone, date + Opens));
                if (zone.IsAmbiguousTime(date + Closes)) candidates.Add(ClockChange(zone, date + Closes));
            }
        }
        foreach (var at in candidates.Where(c => c > now).OrderBy(c => c))
            if (zones.All(z => IsOpen(z, at))) return at;
        throw new MessageValidationException("SendWindow", ValidationReason.SendWindowNeverOpen,
            $"{who} spans time zones ({string.Join(", ", zones.Select(z => z.Id))}) where {Opens:hh\\:mm}-{Closes:hh\\:mm} is never open at once: widen -SendWindow or give -TimeZone.");
    }

    /// <summary>
    /// The instants at which the zone's clock first reads <paramref name="local"/> or later: one on a plain day, two when
    /// the clock passes that time twice (it goes back), and the jump when the clock skips it (an hour, or Lord Howe's 30 minutes).
    /// </summary>
    private static IEnumerable<DateTimeOffset> Instants(TimeZoneInfo zone, DateTime local)
    {
        if (zone.IsAmbiguousTime(local)) return zone.GetAmbiguousTimeOffsets(local).Select(offset => new DateTimeOffset(local, offset));
        if (zone.IsInvalidTime(local)) return new[] { ClockChange(zone, local) };
        return new[] { new DateTimeOffset(local, zone.GetUtcOffset(local)) };
    }

    /// <summary>
    /// The instant the clock changes at <paramref name="local"/>, a time it skips or passes twice: searched to the tick
    /// over the 28 hours in which any UTC offset (-12 to +14) can put that local time, where the zone changes once.
    /// </summary>
    private static DateTimeOffset ClockChange(TimeZoneInfo zone, DateTime local)
    {
        var before = zone.GetUtcOffset(local.AddDays(-1));
        var lo = new DateTimeOffset(local.Ticks, TimeSpan.Zero).AddHours(-15);
        var hi = lo.AddHours(28);
        while (hi.Ticks - lo.Ticks > 1)
        {
            var mid = lo.AddTicks((hi.Ticks - lo.Ticks) / 2);
            if (zone.GetUtcOffset(mid) == before) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    private bool IsOpen(TimeZoneInfo zone, DateTimeOffset at)
    {
        var time = TimeZoneInfo.ConvertTime(at, zone).TimeOfDay;
        return Opens < Closes ? time >= Opens && time < Closes : time >= Opens || time < Closes;
    }

    /// <summary>The zones the window must be open in for this number (or the forced one).</summary>
    internal TimeZoneInfo[] ZonesOf(string digits)
    {
        if (_forced != null) return new[] { _forced };
        // libphonenumber maps zones by leading digits (country code and area, a handful of digits); caching by the first
        // eight keeps every prefix of its map apart and the cache small for big audiences.
        var prefix = digits.Length > 8 ? digits.Substring(0, 8) : digits;
        return _zonesByPrefix.GetOrAdd(prefix, _ => Lookup(digits));
    }

    /// <summary>The zones of a country: every one listed in <see cref="CountryZones"/>, else those of its numbers.</summary>
    internal TimeZoneInfo[] ZonesOfCountry(string region, string who)
    {
        if (_forced != null) return new[] { _forced };
        return _zonesByPrefix.GetOrAdd("country " + region, _ =>
        {
            var util = PhoneNumberUtil.GetInstance();
            var ids = CountryZones.AllOf(region).ToList();
            if (ids.Count == 0 && util.GetExampleNumberForType(region, PhoneNumberType.MOBILE) is { } example)
                ids = Mapper.Value.GetTimeZonesForNumber(example).Where(id => id != Mapper.Value.GetUnknownTimeZone()).ToList();
            if (ids.Count == 0)
                throw new MessageValidationException("UserId", ValidationReason.TimeZoneUnknown,
                    $"{who}: the country '{region}' of this business-scoped user ID has no time zone this module knows; give -TimeZone.");
            return Zones(ids, who);
        });
    }

    private static TimeZoneInfo[] Lookup(string digits)
    {
        var util = PhoneNumberUtil.GetInstance();
        PhoneNumbers.PhoneNumber number;
        try { number = util.Parse("+" + digits, null); }
        catch (NumberParseException ex)
        {
            throw new MessageValidationException("To", ValidationReason.TimeZoneUnknown, $"+{digits}: no time zone can be found ({ex.Message}); give -TimeZone.");
        }
        var ids = Mapper.Value.GetTimeZonesForNumber(number).Where(id => id != Mapper.Value.GetUnknownTimeZone()).ToList();
        // A fixed line's area code says where it is; any other number in a country of CountryZones may be anywhere in it.
        if (util.GetNumberType(number) != PhoneNumberType.FIXED_LINE)
            ids = ids.Union(CountryZones.Of(util.GetRegionCodeForNumber(number)), StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
            throw new MessageValidationException("To", ValidationReason.TimeZoneUnknown,
                $"+{digits}: libphonenumber knows no time zone for this number, so its local time is unknown; give -TimeZone.");
        return Zones(ids, "+" + digits);
    }

    private static TimeZoneInfo[] Zones(IEnumerable<string> ids, string who)
    {
        var zones = new List<TimeZoneInfo>();
        foreach (var id in ids)
        {
            try { zones.Add(TimeZoneInfo.FindSystemTimeZoneById(id)); }
            catch (Exception ex) when (ex is TimeZoneNotFoundException || ex is InvalidTimeZoneException)
            {
                throw new MessageValidationException("To", ValidationReason.TimeZoneUnknown,
                    $"{who} is in time zone '{id}', which this machine does not know (Windows PowerShell 5.1 knows no IANA zones); give -TimeZone.");
            }
        }
        return zones.ToArray();
    }
}
