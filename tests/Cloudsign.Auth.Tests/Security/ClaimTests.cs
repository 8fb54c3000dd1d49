using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>
/// Claim checks: each token here carries a genuine signature of the service's own key, so only the
/// claim check under test can reject it.
/// </summary>
public sealed class ClaimTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<TokenPair> IssueAsync() => await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());

    private async Task<string> MeFailureAsync(string token)
    {
        using var response = await _client.SendAsync(TokenForge.Me(token));
        return await TokenForge.AssertInvalidAccessTokenAsync(response);
    }

    // Control: re-signing an unchanged token with the service key yields a token that is accepted.
    [Fact]
    public async Task ResignedUnchanged_IsAccepted()
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (_, _) => { });

        using var response = await _client.SendAsync(TokenForge.Me(token));

        await EnvelopeAssert.SuccessAsync(response);
    }

    // RFC 9068 §4, RFC 8725 §3.8-§3.9: iss and aud must be this service's.
    [Theory]
    [InlineData("iss", "https://evil.example.com", "the token's issuer is not accepted")]
    [InlineData("iss", "http://localhost:8080/", "the token's issuer is not accepted")]
    [InlineData("aud", "another-api", "the token's audience is not accepted")]
    [InlineData("aud", "CLOUDSIGN-API", "the token's audience is not accepted")]
    public async Task WrongIssuerOrAudience_IsRejected(string claim, string value, string description)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload[claim] = value);

        Assert.Equal(description, await MeFailureAsync(token));
    }

    // Tokens of one environment are never accepted in another: an unknown env, and a known env that is not the key's, are both rejected.
    [Theory]
    [InlineData("staging", "the token's environment is not known")]
    [InlineData("Production", "the token's environment is not known")]
    [InlineData("sandbox", "the token's environment is not its API key's")]
    public async Task WrongEnvironment_IsRejected(string environment, string description)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload["env"] = environment);

        Assert.Equal(description, await MeFailureAsync(token));
    }

    // RFC 8725 §3.11, RFC 9068 §4: typ separates access tokens from refresh tokens.
    [Theory]
    [InlineData("JWT")]
    [InlineData("jwt")]
    [InlineData("application/at+jwt")]
    [InlineData(null)]
    public async Task AccessTokenWithWrongTyp_IsRejected(string? typ)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) =>
        {
            if (typ is null)
            {
                header.Remove("typ");
            }
            else
            {
                header["typ"] = typ;
            }
        });

        Assert.Equal("the token's type is not accepted", await MeFailureAsync(token));
    }

    // RFC 8725 §3.11: a refresh token re-typed as an access token still fails on its type claim, and the reverse.
    [Fact]
    public async Task TypeClaimMismatch_IsRejected()
    {
        var pair = await IssueAsync();
        var refreshAsAccess = TokenForge.ResignAsService(factory, pair.RefreshToken!, (header, _) => header["typ"] = "at+jwt");
        var accessAsRefresh = TokenForge.ResignAsService(factory, pair.AccessToken, (header, payload) =>
        {
            header["typ"] = "JWT";
            payload["family_exp"] = Jwt.Number(payload, "exp");
        });
        var accessWithRefreshType = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload["type"] = "refresh");

        Assert.Equal("the token is not an access token", await MeFailureAsync(refreshAsAccess));
        Assert.Equal("the token is not an access token", await MeFailureAsync(accessWithRefreshType));
        using var refresh = await _client.SendAsync(TokenForge.Refresh(accessAsRefresh));
        await TokenForge.AssertInvalidRefreshTokenAsync(refresh);
    }

    // RFC 9068 §2.2: every required claim must be present.
    [Theory]
    [InlineData("iss", "the token's issuer is not accepted")]
    [InlineData("aud", "the token's audience is not accepted")]
    [InlineData("exp", "the token is expired or not yet valid")]
    [InlineData("nbf", "the token is expired or not yet valid")]
    [InlineData("iat", "the token lacks a required claim")]
    [InlineData("jti", "the token lacks a required claim")]
    [InlineData("type", "the token is not an access token")]
    [InlineData("sub", "the token lacks a required claim")]
    [InlineData("env", "the token lacks a required claim")]
    [InlineData("client_id", "the token lacks a required claim")]
    [InlineData("sid", "the token lacks a required claim")]
    public async Task AccessTokenMissingClaim_IsRejected(string claim, string description)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload.Remove(claim));

        Assert.Equal(description, await MeFailureAsync(token));
    }

    // A refresh token needs family_exp as well as the access token's claims.
    [Theory]
    [InlineData("family_exp")]
    [InlineData("sid")]
    [InlineData("jti")]
    [InlineData("exp")]
    [InlineData("iss")]
    public async Task RefreshTokenMissingClaim_IsRejected(string claim)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.RefreshToken!, (_, payload) => payload.Remove(claim));

        using var response = await _client.SendAsync(TokenForge.Refresh(token));

        await TokenForge.AssertInvalidRefreshTokenAsync(response);
    }

    // sub and client_id must name the same key, and sub must be "<account id>+<key id>".
    [Theory]
    [InlineData("1+00000000-0000-0000-0000-000000000000")]
    [InlineData("not-a-subject")]
    [InlineData("+")]
    public async Task MalformedSubject_IsRejected(string sub)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload["sub"] = sub);

        Assert.Equal("the token's subject is malformed", await MeFailureAsync(token));
    }

    // RFC 7519 §4.1.5 with a 30 s skew: a token whose nbf lies ahead is rejected until nbf - skew.
    [Fact]
    public async Task NotBefore_AtSkewBoundary()
    {
        await using var clockFactory = new CloudsignFactory();
        using var client = clockFactory.CreateClient();
        var pair = await CloudsignFactory.IssueAsync(client, await clockFactory.CreateKeyAsync());
        var nbf = clockFactory.Time.GetUtcNow().AddMinutes(10);
        var token = TokenForge.ResignAsService(clockFactory, pair.AccessToken, (_, payload) => payload["nbf"] = nbf.ToUnixTimeSeconds());
        var skew = TimeSpan.FromSeconds(30);

        clockFactory.Time.SetUtcNow(nbf - skew - TimeSpan.FromSeconds(1));
        using var before = await client.SendAsync(TokenForge.Me(token));
        clockFactory.Time.SetUtcNow(nbf - skew);
        using var at = await client.SendAsync(TokenForge.Me(token));

        Assert.Equal("the token is expired or not yet valid", await TokenForge.AssertInvalidAccessTokenAsync(before));
        await EnvelopeAssert.SuccessAsync(at);
    }

    // RFC 7519 §4.1.4 with a 30 s skew: a refresh token is accepted one second before exp + skew and rejected at it.
    [Fact]
    public async Task RefreshExpiry_AtSkewBoundary()
    {
        await using var clockFactory = new CloudsignFactory()
            .With("Tokens:RefreshTokenLifetime", "01:00:00")
            .With("Tokens:AccessTokenLifetime", "00:10:00");
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(client, key);
        var second = await CloudsignFactory.IssueAsync(client, key);
        var exp = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(first.RefreshToken!), "exp"));
        var skew = TimeSpan.FromSeconds(30);

        clockFactory.Time.SetUtcNow(exp + skew - TimeSpan.FromSeconds(1));
        using var before = await client.SendAsync(TokenForge.Refresh(first.RefreshToken!));
        clockFactory.Time.SetUtcNow(exp + skew);
        using var at = await client.SendAsync(TokenForge.Refresh(second.RefreshToken!));

        await EnvelopeAssert.SuccessAsync(before);
        await TokenPair.ReadAsync(before);
        await TokenForge.AssertInvalidRefreshTokenAsync(at);
    }
}
