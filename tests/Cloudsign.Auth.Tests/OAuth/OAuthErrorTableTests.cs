using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>Every RFC 6749 §5.2 error case of <c>/oauth/token</c>, with its error code and status.</summary>
public sealed class OAuthErrorTableTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private const string Token = "/oauth/token";

    private sealed record Case(HttpStatusCode Status, string Error, Func<Context, Task<HttpRequestMessage>> Build, string? DescriptionContains = null);

    /// <summary>The keys and tokens a case may need, made fresh for each case.</summary>
    private sealed class Context(CloudsignFactory factory, HttpClient client)
    {
        public CloudsignFactory Factory => factory;

        public HttpClient Client => client;

        public Task<TestKey> KeyAsync() => factory.CreateKeyAsync();

        public static (string, string) Basic(TestKey key) => (key.KeyId.ToString(), key.Secret);

        public async Task<string> RefreshTokenAsync(TestKey key) => (await CloudsignFactory.IssueAsync(client, key)).RefreshToken!;

        public async Task<TestKey> KeyWithStatusAsync(bool revoked)
        {
            var key = await KeyAsync();
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            var now = factory.Time.GetUtcNow();
            await (revoked
                ? db.ApiKeys.Where(k => k.Id == key.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now.AddMinutes(-1)))
                : db.ApiKeys.Where(k => k.Id == key.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, now)));
            return key;
        }
    }

    private static HttpRequestMessage Form(IEnumerable<(string, string)> parameters, (string, string)? basic = null) =>
        OAuthRequests.Form(Token, parameters, basic);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["json_body"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
        {
            var key = await context.KeyAsync();
            var request = new HttpRequestMessage(HttpMethod.Post, Token)
            {
                Content = new StringContent("""{"grant_type":"client_credentials"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = OAuthRequests.Basic(key.KeyId.ToString(), key.Secret);
            return request;
        }, "application/x-www-form-urlencoded"),
        ["missing_grant_type"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
            Form([("scope_hint", "x")], Context.Basic(await context.KeyAsync())), "grant_type is required"),
        ["repeated_grant_type"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
            Form([("grant_type", "client_credentials"), ("grant_type", "client_credentials")], Context.Basic(await context.KeyAsync())),
            "grant_type appears more than once"),
        ["repeated_client_secret"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
        {
            var key = await context.KeyAsync();
            return Form([("grant_type", "client_credentials"), ("client_id", key.KeyId.ToString()), ("client_secret", key.Secret), ("client_secret", key.Secret)]);
        }, "client_secret appears more than once"),
        ["basic_and_post_secret"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
        {
            var key = await context.KeyAsync();
            return Form([("grant_type", "client_credentials"), ("client_id", key.KeyId.ToString()), ("client_secret", key.Secret)], Context.Basic(key));
        }, "use one method"),
        ["basic_and_other_client_id"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
        {
            var key = await context.KeyAsync();
            return Form([("grant_type", "client_credentials"), ("client_id", Guid.NewGuid().ToString())], Context.Basic(key));
        }, "use one method"),
        ["post_secret_without_id"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
            Form([("grant_type", "client_credentials"), ("client_secret", (await context.KeyAsync()).Secret)]), "client_id is required"),
        ["refresh_without_token"] = new(HttpStatusCode.BadRequest, "invalid_request", async context =>
            Form([("grant_type", "refresh_token")], Context.Basic(await context.KeyAsync())), "refresh_token is required"),
        ["body_too_large"] = new(HttpStatusCode.RequestEntityTooLarge, "invalid_request", async context =>
            Form([("grant_type", "client_credentials"), ("padding", new string('a', 17 * 1024))], Context.Basic(await context.KeyAsync())),
            "16384 bytes"),
        ["no_client_authentication"] = new(HttpStatusCode.Unauthorized, "invalid_client", _ =>
            Task.FromResult(Form([("grant_type", "client_credentials")])), "client authentication is required"),
        ["client_id_without_secret"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials"), ("client_id", (await context.KeyAsync()).KeyId.ToString())]),
            "client authentication is required"),
        ["basic_wrong_secret"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials")], ((await context.KeyAsync()).KeyId.ToString(), Guid.NewGuid().ToString())),
            "client authentication failed"),
        ["post_wrong_secret"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials"), ("client_id", (await context.KeyAsync()).KeyId.ToString()), ("client_secret", Guid.NewGuid().ToString())]),
            "client authentication failed"),
        ["secret_as_client_id"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
        {
            // The Cloudsign endpoint's client_id is the secret; here it must be the public key id.
            var key = await context.KeyAsync();
            return Form([("grant_type", "client_credentials")], (key.Secret, key.Secret));
        }, "client authentication failed"),
        ["unknown_key_id"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials")], (Guid.NewGuid().ToString(), (await context.KeyAsync()).Secret)),
            "client authentication failed"),
        ["malformed_client_id"] = new(HttpStatusCode.Unauthorized, "invalid_client", _ =>
            Task.FromResult(Form([("grant_type", "client_credentials")], ("not-a-uuid", "secret"))), "client authentication failed"),
        ["malformed_basic_header"] = new(HttpStatusCode.Unauthorized, "invalid_client", _ =>
        {
            var request = Form([("grant_type", "client_credentials")]);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
            return Task.FromResult(request);
        }, "client authentication failed"),
        ["revoked_key"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials")], Context.Basic(await context.KeyWithStatusAsync(revoked: true))), "was revoked at"),
        ["expired_key"] = new(HttpStatusCode.Unauthorized, "invalid_client", async context =>
            Form([("grant_type", "client_credentials")], Context.Basic(await context.KeyWithStatusAsync(revoked: false))), "expired at"),
        ["garbage_refresh_token"] = new(HttpStatusCode.BadRequest, "invalid_grant", async context =>
            Form([("grant_type", "refresh_token"), ("refresh_token", "not.a.token")], Context.Basic(await context.KeyAsync())),
            "invalid, expired or revoked"),
        ["access_token_as_refresh_token"] = new(HttpStatusCode.BadRequest, "invalid_grant", async context =>
        {
            var key = await context.KeyAsync();
            var access = (await CloudsignFactory.IssueAsync(context.Client, key)).AccessToken;
            return Form([("grant_type", "refresh_token"), ("refresh_token", access)], Context.Basic(key));
        }, "invalid, expired or revoked"),
        ["refresh_token_of_other_client"] = new(HttpStatusCode.BadRequest, "invalid_grant", async context =>
        {
            var refresh = await context.RefreshTokenAsync(await context.KeyAsync());
            return Form([("grant_type", "refresh_token"), ("refresh_token", refresh)], Context.Basic(await context.KeyAsync()));
        }, "issued to another client"),
        ["spent_refresh_token"] = new(HttpStatusCode.BadRequest, "invalid_grant", async context =>
        {
            var key = await context.KeyAsync();
            var refresh = await context.RefreshTokenAsync(key);
            using var first = await context.Client.SendAsync(Form([("grant_type", "refresh_token"), ("refresh_token", refresh)], Context.Basic(key)));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            return Form([("grant_type", "refresh_token"), ("refresh_token", refresh)], Context.Basic(key));
        }, "already used"),
        ["cookie_mode_refresh_token"] = new(HttpStatusCode.BadRequest, "unauthorized_client", async context =>
        {
            var key = await context.Factory.CreateKeyAsync(delivery: RefreshTokenDelivery.Cookie, origins: ["https://app.example.com"]);
            using var issued = await CloudsignFactory.RequestTokensAsync(context.Client, key);
            var cookie = issued.Headers.GetValues("Set-Cookie").Single();
            var refresh = SecretLedger.Register(cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..cookie.IndexOf(';', StringComparison.Ordinal)]);
            return Form([("grant_type", "refresh_token"), ("refresh_token", refresh)], Context.Basic(key));
        }, "only in a browser cookie"),
        ["password_grant"] = new(HttpStatusCode.BadRequest, "unsupported_grant_type", async context =>
            Form([("grant_type", "password"), ("username", "u"), ("password", "p")], Context.Basic(await context.KeyAsync())),
            "client_credentials or refresh_token"),
        ["authorization_code_grant"] = new(HttpStatusCode.BadRequest, "unsupported_grant_type", async context =>
            Form([("grant_type", "authorization_code"), ("code", "c")], Context.Basic(await context.KeyAsync())),
            "client_credentials or refresh_token"),
        ["client_credentials_with_scope"] = new(HttpStatusCode.BadRequest, "invalid_scope", async context =>
            Form([("grant_type", "client_credentials"), ("scope", "documents:read")], Context.Basic(await context.KeyAsync())),
            "no scopes"),
        ["refresh_with_scope"] = new(HttpStatusCode.BadRequest, "invalid_scope", async context =>
        {
            var key = await context.KeyAsync();
            return Form([("grant_type", "refresh_token"), ("refresh_token", await context.RefreshTokenAsync(key)), ("scope", "x")], Context.Basic(key));
        }, "no scopes"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task TokenEndpoint_ErrorCase_ReturnsCodeAndStatus(string name)
    {
        var expected = Cases[name];
        var client = factory.CreateClient();
        using var request = await expected.Build(new Context(factory, client));

        using var response = await client.SendAsync(request);

        var description = await OAuthRequests.ErrorAsync(response, expected.Status, expected.Error);
        if (expected.DescriptionContains is not null)
        {
            Assert.Contains(expected.DescriptionContains, description, StringComparison.Ordinal);
        }

        var challenge = response.Headers.WwwAuthenticate.ToString();
        if (expected.Status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic realm=\"cloudsign-auth\", charset=\"UTF-8\"", challenge);
        }
        else
        {
            Assert.Equal("", challenge);
        }
    }

    [Fact]
    public void ErrorTable_CoversEveryRfc6749Code()
    {
        var codes = Cases.Values.Select(c => c.Error).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope" },
            codes);
    }
}
