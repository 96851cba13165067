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
