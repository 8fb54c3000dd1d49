using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Signing;

/// <summary>HS256 mode: tokens in the public docs' form, signed with a configured secret, and no published keys.</summary>
public sealed class HmacModeTests : IAsyncLifetime
{
    private readonly CloudsignFactory _factory = new CloudsignFactory()
        .With("Tokens:SigningAlgorithm", "HS256")
        .With("Tokens:HmacSecret", SecretLedger.Register(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Hs256_TokenPair_IsSignedWithHmacAndAccepted()
    {
        var client = _factory.CreateClient();
        var key = await _factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(client, key);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);

        using var response = await client.SendAsync(me);

        Assert.Equal("HS256", Jwt.Header(pair.AccessToken)["alg"]!.GetValue<string>());
        Assert.Equal("HS256", Jwt.Header(pair.RefreshToken!)["alg"]!.GetValue<string>());
        await EnvelopeAssert.SuccessAsync(response);
    }

    [Fact]
    public async Task Hs256_Jwks_PublishesNoKey()
    {
        var client = _factory.CreateClient();

        var jwks = await client.GetStringAsync("/.well-known/jwks.json");

        Assert.Equal("{\"keys\":[]}", jwks);
    }

    [Fact]
    public async Task Hs256_Es256Token_IsRejected()
    {
        await using var es256 = new CloudsignFactory();
        var es256Client = es256.CreateClient();
        var key = await es256.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(es256Client, key);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);

        using var response = await _factory.CreateClient().SendAsync(me);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
