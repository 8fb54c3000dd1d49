using Cloudsign.Auth.Accounts;

namespace Cloudsign.Auth.Tests.Accounts;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("User@Mail.COM", "user@mail.com")]
    [InlineData("  user@mail.com\t", "user@mail.com")]
    [InlineData("Jose\u0301@mail.com", "jos\u00e9@mail.com")]
    public void Normalize_TrimsComposesAndLowersAscii(string input, string expected)
    {
        Assert.Equal(expected, EmailAddress.Normalize(input));
    }

    [Theory]
    [InlineData("\u0130nfo@mail.com", "info@mail.com")]
    [InlineData("\u0131nfo@mail.com", "info@mail.com")]
    [InlineData("\u00C9lise@mail.com", "\u00e9lise@mail.com")]
    [InlineData("stra\u00DFe@mail.com", "strasse@mail.com")]
    [InlineData("user@m\u0430il.com", "user@mail.com")]
    public void Normalize_NonAsciiLookAlikes_StayDistinct(string lookAlike, string original)
    {
        Assert.NotEqual(EmailAddress.Normalize(original), EmailAddress.Normalize(lookAlike));
    }

    [Fact]
    public void Normalize_KelvinSign_ComposesToAsciiK()
    {
        // NFC maps U+212A KELVIN SIGN to U+004B, so the rule treats it as the letter K.
        Assert.Equal("kate@mail.com", EmailAddress.Normalize("\u212Aate@mail.com"));
    }

    [Theory]
    [InlineData("user@mail.com", true)]
    [InlineData("no-at-sign", false)]
    [InlineData("@mail.com", false)]
    [InlineData("user@", false)]
    [InlineData("a@b@c", false)]
    [InlineData("us er@mail.com", false)]
    [InlineData("user\u0000@mail.com", false)]
    public void IsValid_ChecksShape(string email, bool expected)
    {
        Assert.Equal(expected, EmailAddress.IsValid(EmailAddress.Normalize(email)));
    }
}
