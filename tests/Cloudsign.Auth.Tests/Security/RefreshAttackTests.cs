using System.Net;
using System.Numerics;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>Attacks on refresh tokens: replay, races, tokens moved between keys, environments and accounts.</summary>
public sealed class RefreshAttackTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    // RFC 9700 §4.14.2: a spent refresh token presented again revokes the family, newer tokens included.
    [Fact]
    public async Task Reuse_RevokesWholeFamily()
    {
        var pair = await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());
        using var rotated = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        var next = await TokenPair.ReadAsync(rotated);

        using var reuse = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        using var newer = await _client.SendAsync(TokenForge.Refresh(next.RefreshToken!));
        using var me = await _client.SendAsync(TokenForge.Me(next.AccessToken));

        Assert.StartsWith("invalid refresh token: it was already used", await EnvelopeAssert.FailureAsync(reuse, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        await TokenForge.AssertInvalidRefreshTokenAsync(newer);
        Assert.Equal("the token was revoked", await TokenForge.AssertInvalidAccessTokenAsync(me));
    }

    // RFC 9700 §4.14.2: of many concurrent refreshes with one token exactly one wins, and the losers count as reuse.
    [Fact]
    public async Task ConcurrentSpend_OneWinsAndFamilyIsRevoked()
    {
        var pair = await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
            return response.StatusCode == HttpStatusCode.OK ? await TokenPair.ReadAsync(response) : null;
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, r => r is not null)!;
        using var afterRace = await _client.SendAsync(TokenForge.Refresh(winner.RefreshToken!));
        await TokenForge.AssertInvalidRefreshTokenAsync(afterRace);
    }

    // RFC 7518 §3.4 allows both S and n - S; the twin names the same jti, so spending it after the original is reuse.
    [Fact]
    public async Task HighSTwin_CountsAsSameToken()
    {
        var pair = await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());
        var twin = MalleateSignature(pair.RefreshToken!);

        using var first = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        await TokenPair.ReadAsync(first);
        using var second = await _client.SendAsync(TokenForge.Refresh(twin));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("invalid refresh token: it was already used", await EnvelopeAssert.FailureAsync(second, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    // Tokens of one environment are never accepted in another: a refresh token whose env is not its key's is rejected, even with a genuine signature.
    [Fact]
    public async Task OtherEnvironment_IsRejected()
    {
        var pair = await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync(environment: "production"));
        var token = TokenForge.ResignAsService(factory, pair.RefreshToken!, (_, payload) => payload["env"] = "sandbox");

        using var response = await _client.SendAsync(TokenForge.Refresh(token));

        await TokenForge.AssertInvalidRefreshTokenAsync(response);
    }

    // Keys cannot be transferred: a refresh token that pairs one account with another account's key is rejected.
    [Fact]
    public async Task OtherAccount_IsRejected()
    {
        var victim = await factory.CreateKeyAsync();
        var attacker = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, attacker);
        var token = TokenForge.ResignAsService(factory, pair.RefreshToken!, (_, payload) =>
        {
            payload["client_id"] = victim.KeyId.ToString();
            payload["sub"] = $"{attacker.AccountId}+{victim.KeyId}";
        });

        using var response = await _client.SendAsync(TokenForge.Refresh(token));

        await TokenForge.AssertInvalidRefreshTokenAsync(response);
    }

    // A revoked key ends its families at once: the refresh reports the revocation, and the access token stops working.
    [Fact]
    public async Task AfterKeyRevocation_IsRejectedAtOnce()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        using var refresh = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        using var me = await _client.SendAsync(TokenForge.Me(pair.AccessToken));

        Assert.StartsWith("this API key was revoked at ", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal("the token's API key was revoked", await TokenForge.AssertInvalidAccessTokenAsync(me));
    }

    // RFC 9700 §4.14.2: a family ends at its absolute lifetime however often it was refreshed.
    [Fact]
    public async Task AfterFamilyLifetime_IsRejected()
    {
        await using var clockFactory = new CloudsignFactory()
            .With("Tokens:FamilyLifetime", "01:00:00")
            .With("Tokens:RefreshTokenLifetime", "00:40:00")
            .With("Tokens:AccessTokenLifetime", "00:10:00")
            .With("Tokens:ClockSkew", "00:00:00");
        using var client = clockFactory.CreateClient();
        var pair = await CloudsignFactory.IssueAsync(client, await clockFactory.CreateKeyAsync());
        var familyExpires = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(pair.RefreshToken!), "family_exp"));

        var current = pair;
        foreach (var minutes in new[] { 30, 55 })
        {
            clockFactory.Time.SetUtcNow(familyExpires.AddHours(-1).AddMinutes(minutes));
            using var rotated = await client.SendAsync(TokenForge.Refresh(current.RefreshToken!));
            current = await TokenPair.ReadAsync(rotated);
        }

        var last = Jwt.Payload(current.RefreshToken!);
        var lastAccess = Jwt.Payload(current.AccessToken);
        clockFactory.Time.SetUtcNow(familyExpires);
        using var atEnd = await client.SendAsync(TokenForge.Refresh(current.RefreshToken!));

        Assert.Equal(familyExpires.ToUnixTimeSeconds(), Jwt.Number(last, "exp"));
        Assert.Equal(familyExpires.ToUnixTimeSeconds(), Jwt.Number(lastAccess, "exp"));
        await TokenForge.AssertInvalidRefreshTokenAsync(atEnd);
    }

    // A genuinely signed refresh token whose family_exp has passed is rejected although its own exp has not.
    [Fact]
    public async Task FamilyExpiredButTokenNot_IsRejected()
    {
        var pair = await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());
        var token = TokenForge.ResignAsService(factory, pair.RefreshToken!, (_, payload) =>
            payload["family_exp"] = factory.Time.GetUtcNow().ToUnixTimeSeconds());

        using var response = await _client.SendAsync(TokenForge.Refresh(token));

        await TokenForge.AssertInvalidRefreshTokenAsync(response);
    }

    // Replaces S with n - S in an ES256 signature: the other valid signature of the same content.
    private static string MalleateSignature(string token)
    {
        var order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var s = new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var flipped = (order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var twin = new byte[64];
        signature.AsSpan(0, 32).CopyTo(twin);
        flipped.CopyTo(twin.AsSpan(64 - flipped.Length));
        return SecretLedger.Register($"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(twin)}");
    }
}
