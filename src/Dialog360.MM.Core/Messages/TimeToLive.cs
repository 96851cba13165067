using System;

namespace Dialog360.MM.Core.Messages;

/// <summary>
/// message_send_ttl_seconds for marketing templates on the MM API: 12 hours to 30 days, whole seconds
/// (Meta, "Configure message time-to-live"; docs/reference/mm-api.md). The API's default is 30 days.
/// </summary>
public static class TimeToLive
{
    public static readonly TimeSpan Minimum = TimeSpan.FromHours(12);
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(30);

    public static int ToSeconds(TimeSpan ttl, string field = "TimeToLive")
    {
        if (ttl < Minimum || ttl > Maximum)
            throw new MessageValidationException(field, ValidationReason.TimeToLiveOutOfRange,
                $"{field} {ttl} is out of range: marketing messages live from 12 hours to 30 days (e.g. -{field} (New-TimeSpan -Hours 24)).");
        if (ttl.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new MessageValidationException(field, ValidationReason.TimeToLiveNotWholeSeconds,
                $"{field} {ttl} has a fraction of a second: the API takes whole seconds.");
        return checked((int)(ttl.Ticks / TimeSpan.TicksPerSecond));
    }

    /// <summary>A send takes no time-to-live: Meta reads it from the template, and the send payload has no such field.</summary>
    public static void RefuseOnSend(TimeSpan? ttl)
    {
        if (ttl is null) return;
        throw new MessageValidationException("TimeToLive", ValidationReason.TimeToLiveOnTemplate,
            "-TimeToLive is no longer sent with each message: Meta takes a marketing message's time-to-live from its template " +
            "(message_send_ttl_seconds), and its send payload has no such field. Set it on the template: " +
            "New-MMTemplate -Name <name> ... -TimeToLive (New-TimeSpan -Days 1), then send without -TimeToLive.");
    }
}
