using System;
using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Messages;

public class TimeToLiveTests
{
    [Fact]
    public void The_bounds_are_twelve_hours_and_thirty_days_inclusive()
    {
        Assert.Equal(43_200, TimeToLive.ToSeconds(TimeSpan.FromHours(12)));
        Assert.Equal(2_592_000, TimeToLive.ToSeconds(TimeSpan.FromDays(30)));
    }

    [Theory]
    [InlineData(43_199)]
    [InlineData(2_592_001)]
    [InlineData(0)]
    public void Values_outside_the_range_are_refused(int seconds)
    {
        var ex = Assert.Throws<MessageValidationException>(() => TimeToLive.ToSeconds(TimeSpan.FromSeconds(seconds)));
        Assert.Equal("TimeToLiveOutOfRange", ex.Reason);
        Assert.Contains("12 hours to 30 days", ex.Message);
    }

    [Fact]
    public void Fractions_of_a_second_are_refused() =>
        Assert.Equal("TimeToLiveNotWholeSeconds",
            Assert.Throws<MessageValidationException>(() => TimeToLive.ToSeconds(TimeSpan.FromHours(12).Add(TimeSpan.FromMilliseconds(500)))).Reason);
}
