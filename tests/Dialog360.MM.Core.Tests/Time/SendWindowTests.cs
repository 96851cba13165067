using System;
using System.Collections.Generic;
using System.Linq;
using Dialog360.MM.Core.Time;
using PhoneNumbers;

namespace Dialog360.MM.Core.Tests.Time;

public class SendWindowTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static string MobileOf(string region)
    {
        var util = PhoneNumberUtil.GetInstance();
        return util.Format(util.GetExampleNumberForType(region, PhoneNumberType.MOBILE), PhoneNumberFormat.E164).TrimStart('+');
    }

    // 2026's changes: London 01:00 UTC (29 Mar, 25 Oct); Santiago 04:00 UTC 6 Sep (00:00 -> 01:00) and 03:00 UTC 5 Apr
    // (00:00 -> 23:00); Lord Howe 15:30 UTC 3 Oct (02:00 -> 02:30) and 15:00 UTC 4 Apr (02:00 -> 01:30).
    [Theory]
    // The opening falls in the hour the clock skips: the window opens with the jump, not an hour after it.
    [InlineData("Europe/London", "01:30-05:00", "2026-03-29T00:00Z", "2026-03-29T01:00Z")]
    [InlineData("America/Santiago", "00:15-06:00", "2026-09-06T02:00Z", "2026-09-06T04:00Z")]
    // Lord Howe skips 30 minutes: 02:10 does not exist, the clock reads 02:30 at the jump.
    [InlineData("Australia/Lord_Howe", "02:10-06:00", "2026-10-03T12:00Z", "2026-10-03T15:30Z")]
    // The opening falls in the hour the clock passes twice: the first pass, not the second.
    [InlineData("Europe/London", "01:30-05:00", "2026-10-24T23:00Z", "2026-10-25T00:30Z")]
    [InlineData("America/Santiago", "23:30-06:00", "2026-04-04T23:00Z", "2026-04-05T02:30Z")]
    [InlineData("Australia/Lord_Howe", "01:45-06:00", "2026-04-04T12:00Z", "2026-04-04T14:45Z")]
    public void At_a_clock_change_the_window_opens_on_time(string zone, string window, string now, string opening)
    {
        var sendWindow = SendWindow.Parse(window, SendWindow.FindZone(zone));
        var expected = Utc(opening);
        Assert.Equal(expected, sendWindow.NextOpening("447911123456", Utc(now)));
        // Open at that instant, closed the second before it: neither late nor early.
        Assert.Equal(expected, sendWindow.NextOpening("447911123456", expected));
        Assert.NotEqual(expected.AddSeconds(-1), sendWindow.NextOpening("447911123456", expected.AddSeconds(-1)));
    }

    /// <summary>
    /// Around each of 2026's clock changes in three zones that change at night, every opening the window computes is
    /// the first minute at which the zone's clock is inside the window (a minute-by-minute walk; these zones change
    /// on whole minutes).
    /// </summary>
    [Theory]
    [InlineData("Europe/London")]
    [InlineData("America/Santiago")]
    [InlineData("Australia/Lord_Howe")]
    public void Around_clock_changes_every_opening_is_the_first_open_minute(string zoneId)
    {
        var zone = SendWindow.FindZone(zoneId);
        var windows = new[] { "00:00-06:00", "00:15-06:00", "00:30-02:00", "01:00-05:00", "01:30-05:00", "01:45-03:00", "02:00-06:00", "02:10-06:00", "02:45-07:00", "23:30-06:00", "22:00-01:15" };
        var changes = Changes(zone, Utc("2026-01-01T00:00Z"), Utc("2027-01-01T00:00Z"));
        Assert.Equal(2, changes.Count);
        foreach (var text in windows)
        {
            var window = SendWindow.Parse(text, zone);
            foreach (var change in changes)
            {
                for (var start = change.AddHours(-30); start <= change.AddHours(30); start = start.AddMinutes(97))
                {
                    var now = new DateTimeOffset(start.Ticks - start.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
                    var first = now;
                    while (!Open(window, zone, first)) first = first.AddMinutes(1);
                    Assert.True(first == window.NextOpening("447911123456", now),
                        $"{zoneId} {text} from {now:u}: opens {first:u} by the clock, computed {window.NextOpening("447911123456", now):u}");
                }
            }
        }
    }

    private static bool Open(SendWindow window, TimeZoneInfo zone, DateTimeOffset at)
    {
        var time = TimeZoneInfo.ConvertTime(at, zone).TimeOfDay;
        return window.Opens < window.Closes ? time >= window.Opens && time < window.Closes : time >= window.Opens || time < window.Closes;
    }

    private static List<DateTimeOffset> Changes(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var changes = new List<DateTimeOffset>();
        for (var t = from; t < to; t = t.AddMinutes(30))
            if (zone.GetUtcOffset(t) != zone.GetUtcOffset(t.AddMinutes(30))) changes.Add(t.AddMinutes(30));
        return changes;
    }

    [Fact]
    public void An_Indonesian_mobile_waits_for_the_window_to_open_in_Jayapura_as_well_as_in_Jakarta()
    {
        var window = SendWindow.Parse("09:00-20:00");
        // 12:00 UTC: 19:00 in Jakarta, 20:00 in Makassar, 21:00 in Jayapura. All three are open from 02:00 to 11:00 UTC.
        var noon = Utc("2026-11-25T12:00Z");
        Assert.Equal(Utc("2026-11-26T02:00Z"), window.NextOpening("6281234567890", noon));
        Assert.Equal(Utc("2026-11-26T10:59Z"), window.NextOpening("6281234567890", Utc("2026-11-26T10:59Z")));
        // A fixed line's area code says where it is: 021 is Jakarta, open until 20:00 there (13:00 UTC).
        Assert.Equal(noon, window.NextOpening("62215550123", noon));
    }

    /// <summary>
    /// The countries whose mobile numbers libphonenumber maps to fewer zones than the country has (see
    /// <see cref="CountryZones"/>): each mobile gets every zone of its country.
    /// </summary>
    [Theory]
    [InlineData("ID", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")]
    [InlineData("AU", "Australia/Perth", "Australia/Eucla", "Australia/Darwin", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Australia/Lord_Howe")]
    [InlineData("CL", "America/Santiago", "America/Punta_Arenas", "Pacific/Easter")]
    [InlineData("PG", "Pacific/Port_Moresby", "Pacific/Bougainville")]
    [InlineData("RU", "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka")]
    [InlineData("UA", "Europe/Kyiv", "Europe/Simferopol")]
    public void A_mobile_of_a_country_that_spans_zones_is_in_all_of_them(string region, params string[] zones)
    {
        var mapped = SendWindow.Parse("09:00-20:00").ZonesOf(MobileOf(region)).Select(z => z.Id).ToList();
        Assert.All(zones, zone => Assert.Contains(zone, mapped));
    }

    /// <summary>China keeps one legal time: its numbers are not held back for a zone few people live by.</summary>
    [Fact]
    public void A_chinese_mobile_is_in_one_zone()
    {
        var mapped = SendWindow.Parse("09:00-20:00").ZonesOf(MobileOf("CN")).Select(z => z.Id).ToList();
        Assert.Equal(new[] { "Asia/Shanghai" }, mapped);
    }

    /// <summary>
    /// A person known only by a business-scoped user ID has a country and no number: the window must be open in every
    /// zone of the country, whether or not its numbers say where they are.
    /// </summary>
    [Theory]
    [InlineData("ID", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")]
    [InlineData("BR", "America/Noronha", "America/Sao_Paulo", "America/Manaus", "America/Rio_Branco")]
    [InlineData("CA", "America/St_Johns", "America/Halifax", "America/Toronto", "America/Winnipeg", "America/Regina", "America/Edmonton", "America/Whitehorse", "America/Vancouver")]
    public void A_person_known_by_a_BSUID_only_gets_every_zone_of_their_country(string region, params string[] zones) =>
        Assert.Equal(zones, SendWindow.Parse("09:00-20:00").ZonesOfCountry(region, region + ".1").Select(z => z.Id));

    [Fact]
    public void A_person_known_by_a_BSUID_of_a_one_zone_country_gets_its_zone() =>
        Assert.All(SendWindow.Parse("09:00-20:00").ZonesOfCountry("GB", "GB.1"), z => Assert.Equal(TimeSpan.Zero, z.BaseUtcOffset));

    [Fact]
    public void Indonesia_by_BSUID_opens_when_the_window_is_open_in_Jayapura_and_Jakarta()
    {
        // 01:00 UTC: 08:00 in Jakarta, 10:00 in Jayapura. The shared window opens at 02:00 UTC (09:00 Jakarta).
        var at = new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(at.AddHours(1), SendWindow.Parse("09:00-20:00").NextOpeningInCountry("ID", "ID.1", at));
    }
}
