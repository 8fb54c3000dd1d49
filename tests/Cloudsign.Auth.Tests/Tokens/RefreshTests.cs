using System.Net;
using System.Net.Http.Headers;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Tokens;

/// <summary>Runs once per database provider, through the subclasses at the end of the file.</summary>
public abstract class RefreshTests(CloudsignFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    internal static Task<HttpResponseMessage> RefreshWithHeaderAsync(HttpClient client, string token, string path = "/api/v1/auth/refresh")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    internal static Task<HttpResponseMessage> RefreshWithBodyAsync(HttpClient client, string token) =>
        client.PostAsync("/api/v1/auth/refresh", CloudsignFactory.JsonBody(new Dictionary<string, string> { ["refresh_token"] = token }));

    [Fact]
    public async Task Refresh_TokenInHeader_ReturnsNewPairOfSameFamily()
    {
        var key = await factory.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await RefreshWithHeaderAsync(_client, first.RefreshToken!);

        await EnvelopeAssert.SuccessAsync(response);
        var second = await TokenPair.ReadAsync(response);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(Jwt.Text(Jwt.Payload(first.RefreshToken!), "sid"), Jwt.Text(Jwt.Payload(second.RefreshToken!), "sid"));
        Assert.Equal(Jwt.Text(Jwt.Payload(first.AccessToken), "sid"), Jwt.Text(Jwt.Payload(second.AccessToken), "sid"));
        Assert.Equal("3600", second.ExpiresIn);
    }

    [Fact]
    public async Task Refresh_TokenInBody_ReturnsNewPair()
    {
        var key = await factory.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await RefreshWithBodyAsync(_client, first.RefreshToken!);

        await EnvelopeAssert.SuccessAsync(response);
        var second = await TokenPair.ReadAsync(response);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
    }

    [Fact]
    public async Task Refresh_SpentToken_RevokesFamily()
    {
        var key = await factory.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(_client, key);
        using var rotated = await RefreshWithHeaderAsync(_client, first.RefreshToken!);
        var second = await TokenPair.ReadAsync(rotated);

        using var reuse = await RefreshWithHeaderAsync(_client, first.RefreshToken!);
        using var newer = await RefreshWithHeaderAsync(_client, second.RefreshToken!);

        var reuseMessage = await EnvelopeAssert.FailureAsync(reuse, HttpStatusCode.Unauthorized);
        Assert.StartsWith("invalid refresh token", reuseMessage, StringComparison.Ordinal);
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(newer, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Refresh_SpentToken_RevokesNewerAccessToken()
    {
        var key = await factory.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(_client, key);
        using var rotated = await RefreshWithHeaderAsync(_client, first.RefreshToken!);
        var second = await TokenPair.ReadAsync(rotated);

        using var reuse = await RefreshWithHeaderAsync(_client, first.RefreshToken!);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", second.AccessToken);
        using var meResponse = await _client.SendAsync(me);

        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, meResponse.StatusCode);
    }

    [Fact]
    public async Task Refresh_SixteenConcurrent_ExactlyOneSucceeds()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await RefreshWithHeaderAsync(_client, pair.RefreshToken!);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await TokenPair.ReadAsync(response);
            }

            return response.StatusCode;
        })).ToList();
        start.Set();
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Revoke_EndsFamily()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var revoke = await RefreshWithHeaderAsync(_client, pair.RefreshToken!, "/api/v1/auth/revoke");
        using var refresh = await RefreshWithHeaderAsync(_client, pair.RefreshToken!);

        var data = await EnvelopeAssert.SuccessAsync(revoke);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.ValueKind);
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.Unauthorized));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA")]
    public async Task Revoke_UnknownToken_Returns200(string token)
    {
        using var response = await RefreshWithHeaderAsync(_client, token, "/api/v1/auth/revoke");

        await EnvelopeAssert.SuccessAsync(response);
    }

    [Fact]
    public async Task Refresh_Garbage_Returns401()
    {
        using var response = await RefreshWithHeaderAsync(_client, "garbage");

        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Refresh_AccessToken_Returns401()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await RefreshWithHeaderAsync(_client, pair.AccessToken);

        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Refresh_NoToken_Returns400()
    {
        using var response = await _client.PostAsync("/api/v1/auth/refresh", null);

        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("refresh_token is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AfterKeyRevoked_SaysRevoked()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        using var response = await RefreshWithHeaderAsync(_client, pair.RefreshToken!);

        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("this API key was revoked at ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_Family_NeverOutlivesAbsoluteLifetime()
    {
        await using var clockFactory = factory.CreateSibling()
            .With("Tokens:RefreshTokenLifetime", "2.00:00:00")
            .With("Tokens:FamilyLifetime", "5.00:00:00");
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync();
        var start = clockFactory.Time.GetUtcNow();
        var pair = await CloudsignFactory.IssueAsync(client, key);
        var familyExpires = start + TimeSpan.FromDays(5);

        // Refresh every day: each refresh token lives two days, but none past the family's fifth day.
        for (var day = 1; day <= 4; day++)
        {
            clockFactory.Time.SetUtcNow(start + TimeSpan.FromDays(day));
            using var response = await RefreshWithHeaderAsync(client, pair.RefreshToken!);
            pair = await TokenPair.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(Jwt.Number(Jwt.Payload(pair.RefreshToken!), "exp") <= familyExpires.ToUnixTimeSeconds());
            Assert.True(Jwt.Number(Jwt.Payload(pair.AccessToken), "exp") <= familyExpires.ToUnixTimeSeconds());
        }

        clockFactory.Time.SetUtcNow(familyExpires + TimeSpan.FromSeconds(30));
        using var late = await RefreshWithHeaderAsync(client, pair.RefreshToken!);

        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(late, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Refresh_AccessTokenNearFamilyEnd_ExpiresWithFamily()
    {
        await using var clockFactory = factory.CreateSibling()
            .With("Tokens:RefreshTokenLifetime", "1.00:00:00")
            .With("Tokens:FamilyLifetime", "1.00:00:00");
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync();
        var start = clockFactory.Time.GetUtcNow();
        var pair = await CloudsignFactory.IssueAsync(client, key);

        clockFactory.Time.SetUtcNow(start + TimeSpan.FromDays(1) - TimeSpan.FromMinutes(10));
        using var response = await RefreshWithHeaderAsync(client, pair.RefreshToken!);
        var last = await TokenPair.ReadAsync(response);

        var payload = Jwt.Payload(last.AccessToken);
        Assert.Equal((start + TimeSpan.FromDays(1)).ToUnixTimeSeconds(), Jwt.Number(payload, "exp"));
        Assert.Equal("600", last.ExpiresIn);
        Assert.Equal(600, Jwt.Number(payload, "exp") - Jwt.Number(payload, "iat"));
    }

    [Fact]
    public async Task Refresh_WithinReuseGrace_IsAccepted()
    {
        await using var graceFactory = factory.CreateSibling().With("Tokens:RefreshReuseGrace", "00:00:10");
        using var client = graceFactory.CreateClient();
        var key = await graceFactory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(client, key);

        using var first = await RefreshWithHeaderAsync(client, pair.RefreshToken!);
        graceFactory.Time.Advance(TimeSpan.FromSeconds(10));
        using var withinGrace = await RefreshWithHeaderAsync(client, pair.RefreshToken!);
        graceFactory.Time.Advance(TimeSpan.FromSeconds(1));
        using var pastGrace = await RefreshWithHeaderAsync(client, pair.RefreshToken!);

        await EnvelopeAssert.SuccessAsync(first);
        await EnvelopeAssert.SuccessAsync(withinGrace);
        await TokenPair.ReadAsync(first);
        await TokenPair.ReadAsync(withinGrace);
        Assert.StartsWith("invalid refresh token", await EnvelopeAssert.FailureAsync(pastGrace, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }
}

public sealed class SqliteRefreshTests(CloudsignFactory factory) : RefreshTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresRefreshTests(PostgresCloudsignFactory factory) : RefreshTests(factory), IClassFixture<PostgresCloudsignFactory>;
