using System.Net;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>Guessing API keys and emails: every credential failure looks the same, and look-alike addresses never meet.</summary>
public sealed class CredentialGuessingTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    // OWASP ASVS 5.0 V6.3: unknown key, wrong email, wrong environment and another owner's key are indistinguishable.
    [Fact]
    public async Task CredentialFailures_AreIndistinguishable()
    {
        var key = await factory.CreateKeyAsync();
        var other = await factory.CreateKeyAsync(environment: "sandbox");
        (string Env, string Email, string ClientId)[] attempts =
        [
            (key.Environment, key.Email, "6a49724d-e0a0-4281-87ec-ff93504ee856"),
            (key.Environment, key.Email, "not-even-a-uuid"),
            (key.Environment, key.Email, key.Secret.ToUpperInvariant()),
            (key.Environment, "someone.else@mail.com", key.Secret),
            ("sandbox", key.Email, key.Secret),
            ("sandbox", key.Email, other.Secret),
        ];

        List<(HttpStatusCode Status, string Headers, byte[] Body)> responses = [];
        foreach (var (env, email, clientId) in attempts)
        {
            using var response = await CloudsignFactory.RequestTokensAsync(_client, env, email, clientId);
            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
                .OrderBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            responses.Add((response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync()));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.All(responses, r => Assert.Equal(responses[0].Headers, r.Headers));
        Assert.All(responses, r => Assert.Equal(responses[0].Body, r.Body));
        Assert.Equal("{\"data\":null,\"msg\":\"invalid credentials\"}", System.Text.Encoding.UTF8.GetString(responses[0].Body));
    }

    // The email rule: NFC, then ASCII-only case folding; no Unicode folding or confusable lets another address match.
    [Theory]
    [InlineData("ıvan@mail.com")] // dotless i
    [InlineData("İvan@mail.com")] // dotted capital I
    [InlineData("\u0456van@mail.com")] // Cyrillic i
    [InlineData("ivan@mаil.com")] // Cyrillic a in the domain
    [InlineData("ivan＠mail.com")] // fullwidth at sign
    [InlineData("ivan@mail.com\u200b")] // zero-width space
    [InlineData("ivan@mail.co")]
    [InlineData("ivan@mail.com.")]
    public async Task LookAlikeEmail_IsRejected(string lookAlike)
    {
        var key = await factory.CreateKeyAsync(email: $"{Guid.NewGuid():N}-ivan@mail.com");
        var submitted = key.Email.Split('-')[0] + "-" + lookAlike;

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, submitted, key.Secret);

        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
    }

    // The email rule: non-ASCII letters compare exactly, so another case of é or ß is another address.
    [Theory]
    [InlineData("émile@mail.com", "Émile@mail.com")]
    [InlineData("straße@mail.com", "strasse@mail.com")]
    [InlineData("straße@mail.com", "STRASSE@MAIL.COM")]
    public async Task NonAsciiCaseFolded_IsRejected(string owner, string submitted)
    {
        var prefix = $"{Guid.NewGuid():N}-";
        var key = await factory.CreateKeyAsync(email: prefix + owner);

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, prefix + submitted, key.Secret);

        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
    }

    // The email rule: ASCII case, surrounding spaces and canonically equivalent forms (NFC) name the same address.
    [Theory]
    [InlineData("émile@mail.com", "E\u0301MILE@MAIL.COM", false)]
    [InlineData("émile@mail.com", "e\u0301mile@MAIL.com", true)]
    [InlineData("kate@mail.com", "\u212Aate@mail.com", true)] // Kelvin sign: NFC maps it to K, a documented exception
    [InlineData("kate@mail.com", "  KATE@mail.com\t", true)]
    public async Task EquivalentEmail_MatchesOnlyByTheRule(string owner, string submitted, bool matches)
    {
        var prefix = $"{Guid.NewGuid():N}-";
        var key = await factory.CreateKeyAsync(email: prefix + owner);
        var text = submitted.TrimStart();
        var padding = submitted[..(submitted.Length - text.Length)];

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, padding + prefix + text, key.Secret);

        if (matches)
        {
            await EnvelopeAssert.SuccessAsync(response);
            await TokenPair.ReadAsync(response);
        }
        else
        {
            Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
        }
    }

    // Every key expires: it works one second before its expiry and fails exactly at it, for token requests and refreshes.
    [Fact]
    public async Task KeyExpiry_AtExactSecond()
    {
        await using var clockFactory = new CloudsignFactory();
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync(lifetime: TimeSpan.FromHours(2));
        var expiresAt = clockFactory.Time.GetUtcNow() + TimeSpan.FromHours(2);

        clockFactory.Time.SetUtcNow(expiresAt - TimeSpan.FromSeconds(1));
        var before = await CloudsignFactory.IssueAsync(client, key);
        clockFactory.Time.SetUtcNow(expiresAt);
        using var tokenAt = await CloudsignFactory.RequestTokensAsync(client, key);
        using var refreshAt = await client.SendAsync(TokenForge.Refresh(before.RefreshToken!));
        using var meAt = await client.SendAsync(TokenForge.Me(before.AccessToken));

        var expected = $"this API key expired at {expiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}. Create a new key in the API Integration tab of the dashboard.";
        Assert.Equal(expected, await EnvelopeAssert.FailureAsync(tokenAt, HttpStatusCode.Unauthorized));
        Assert.Equal(expected, await EnvelopeAssert.FailureAsync(refreshAt, HttpStatusCode.Unauthorized));
        Assert.Equal("the token's API key has expired", await TokenForge.AssertInvalidAccessTokenAsync(meAt));
    }
}
