using Cloudsign.Auth.OAuth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>The start-time checks of <c>Introspection:Clients</c>, through the service registrations.</summary>
public sealed class IntrospectionOptionsTests
{
    private const string EmptySecretHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    private static OptionsValidationException Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddOAuth()
            .BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IntrospectionOptions>>().Value);
    }

    [Theory]
    [InlineData("a-plain-secret-not-a-hash")]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    public void Options_SecretHashNotSha256_FailNamingSetting(string secretHash)
    {
        var failure = Validate(new()
        {
            ["Introspection:Clients:0:ClientId"] = "billing-api",
            ["Introspection:Clients:0:SecretHash"] = secretHash,
        });

        Assert.Contains("Introspection:Clients:0:SecretHash must be the base64 SHA-256 hash", failure.Message, StringComparison.Ordinal);
        Assert.Contains("openssl dgst -sha256 -binary | base64", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DuplicateClientId_FailNamingSetting()
    {
        var failure = Validate(new()
        {
            ["Introspection:Clients:0:ClientId"] = "billing-api",
            ["Introspection:Clients:0:SecretHash"] = EmptySecretHash,
            ["Introspection:Clients:1:ClientId"] = "billing-api",
            ["Introspection:Clients:1:SecretHash"] = EmptySecretHash,
        });

        Assert.Contains("Introspection:Clients:1:ClientId 'billing-api' appears more than once", failure.Message, StringComparison.Ordinal);
    }
}
