using Cloudsign.Auth.Tokens;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tests.Options;

public sealed class TokenOptionsValidatorTests
{
    private static readonly string StrongSecret = Convert.ToBase64String(new byte[32]);

    private static ValidateOptionsResult Validate(Action<TokenOptions> configure)
    {
        var options = new TokenOptions();
        configure(options);
        return new TokenOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(Validate(_ => { }).Succeeded);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64!")]
    [InlineData("")]
    public void Hs256_SecretUnder32Bytes_Fails(string secret)
    {
        var result = Validate(o =>
        {
            o.SigningAlgorithm = "HS256";
            o.HmacSecret = secret;
        });

        Assert.True(result.Failed);
        Assert.Contains("Tokens:HmacSecret must be base64 of at least 32 random bytes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Hs256_SecretOf32Bytes_IsValid()
    {
        var result = Validate(o =>
        {
            o.SigningAlgorithm = "HS256";
            o.HmacSecret = StrongSecret;
        });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Es256_WithHmacSecret_FailsAsContradiction()
    {
        var result = Validate(o => o.HmacSecret = StrongSecret);

        Assert.Contains("Tokens:HmacSecret is set but Tokens:SigningAlgorithm is ES256", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("none")]
    [InlineData("es256")]
    public void UnknownAlgorithm_Fails(string algorithm)
    {
        var result = Validate(o => o.SigningAlgorithm = algorithm);

        Assert.Contains($"Tokens:SigningAlgorithm is '{algorithm}'; set ES256 or HS256.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ClockSkewOver30Seconds_Fails()
    {
        var result = Validate(o => o.ClockSkew = TimeSpan.FromSeconds(31));

        Assert.Contains("Tokens:ClockSkew is 00:00:31; set it between 00:00:00 and 00:00:30.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://auth.example.com")]
    [InlineData("https://auth.example.com/?tenant=1")]
    public void InvalidIssuer_Fails(string issuer)
    {
        var result = Validate(o => o.Issuer = issuer);

        Assert.Contains($"Tokens:Issuer is '{issuer}'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void FractionalLifetime_Fails()
    {
        var result = Validate(o => o.AccessTokenLifetime = TimeSpan.FromMilliseconds(1500));

        Assert.Contains("Tokens:AccessTokenLifetime is 00:00:01.5000000; set a whole number of seconds", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RefreshLongerThanFamily_Fails()
    {
        var result = Validate(o => o.RefreshTokenLifetime = TimeSpan.FromDays(91));

        Assert.Contains("Tokens:RefreshTokenLifetime (91.00:00:00) is longer than Tokens:FamilyLifetime", result.FailureMessage, StringComparison.Ordinal);
    }
}
