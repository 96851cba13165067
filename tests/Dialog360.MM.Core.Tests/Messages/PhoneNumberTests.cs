using Dialog360.MM.Core.Messages;

namespace Dialog360.MM.Core.Tests.Messages;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+44 1234-567890", "441234567890")]
    [InlineData("+1 (631) 555-2222", "16315552222")]
    [InlineData("441234567890", "441234567890")]
    [InlineData("0044 7911 123456", "447911123456")]
    [InlineData(" +49.151.1234.5678 ", "4915112345678")]
    public void International_formats_become_digits_only(string input, string expected) =>
        Assert.Equal(expected, PhoneNumber.Normalize(input));

    [Theory]
    [InlineData("12ab", "InvalidPhoneNumber")]
    [InlineData("+44 12 34 x", "InvalidPhoneNumber")]
    [InlineData("07911 123456", "InvalidPhoneNumber")]
    [InlineData("+44", "InvalidPhoneNumber")]
    [InlineData("+1234567890123456", "InvalidPhoneNumber")]
    [InlineData("4+4123456789", "InvalidPhoneNumber")]
    [InlineData("", "MissingRecipient")]
    [InlineData(null, "MissingRecipient")]
    public void Impossible_numbers_are_refused_naming_the_input(string? input, string reason)
    {
        var ex = Assert.Throws<MessageValidationException>(() => PhoneNumber.Normalize(input));
        Assert.Equal(reason, ex.Reason);
        Assert.Equal("To", ex.Field);
        if (!string.IsNullOrEmpty(input)) Assert.Contains(input, ex.Message);
    }
}

public class PhoneNumberRegionTests
{
    [Theory]
    [InlineData("07911 123456", "GB", "447911123456")]
    [InlineData("0151 2345 6789", "DE", "4915123456789")]
    [InlineData("(631) 555-2222", "US", "16315552222")]
    [InlineData("+49 151 2345 6789", "GB", "4915123456789")]
    public void National_formats_are_read_in_the_default_region(string input, string region, string expected) =>
        Assert.Equal(expected, PhoneNumber.Normalize(input, "To", region));

    [Theory]
    [InlineData("+44 7911 1234")]
    [InlineData("+44 7911 12345678")]
    public void Numbers_impossible_for_their_country_are_refused(string input) =>
        Assert.Equal("InvalidPhoneNumber", Assert.Throws<MessageValidationException>(() => PhoneNumber.Normalize(input)).Reason);

    [Fact]
    public void An_unknown_region_is_refused_naming_the_parameter()
    {
        var ex = Assert.Throws<MessageValidationException>(() => PhoneNumber.Normalize("07911 123456", "To", "XX"));
        Assert.Equal("DefaultRegion", ex.Field);
    }
}
