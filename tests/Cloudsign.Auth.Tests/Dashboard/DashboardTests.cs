using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Tests.Dashboard;

/// <summary>The dashboard's pages over HTTP: sign-up, sign-in, lockout, antiforgery, the secret shown once, and ownership.</summary>
public sealed partial class DashboardTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    [Fact]
    public async Task Integration_Anonymous_RedirectsToLogin()
    {
        var client = NewClient();

        using var response = await client.GetAsync("/integration");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Signup_NewAccount_SignsInWithHashedPassword()
    {
        var (client, email, password) = await SignUpAsync();

        using var page = await client.GetAsync("/integration");
        await using var scope = factory.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Users.SingleAsync(a => a.NormalizedEmail == email);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
            Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        Assert.NotNull(account.PasswordHash);
        Assert.DoesNotContain(password, account.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_WithoutAntiforgeryToken_Returns400()
    {
        var (client, _, _) = await SignUpAsync();

        using var response = await client.PostAsync("/integration?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = "no token",
            ["Input.Environment"] = "production",
            ["Input.LifetimeDays"] = "90",
            ["Input.Delivery"] = "Body",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await KeysOfAsync(client));
    }

    [Fact]
    public async Task Create_Key_ShowsSecretOnlyInPostResponse()
    {
        var (client, _, _) = await SignUpAsync();

        using var created = await CreateKeyAsync(client, "backend");
        var html = await created.Content.ReadAsStringAsync();
        var secret = SecretLedger.Register(SecretInput().Match(html).Groups[1].Value);
        var later = await client.GetStringAsync("/integration");
        var lastFour = secret[^4..];
        await using var scope = factory.Services.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().ApiKeys.SingleAsync(k => k.Name == "backend" && k.SecretLast4 == lastFour);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl!.NoStore);
        Assert.Contains("It will not be shown again", html, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), key.SecretHash);
        Assert.DoesNotContain(secret, later, StringComparison.Ordinal);
        Assert.Contains(key.Id.ToString(), later, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CookieModeWithoutOrigin_ShowsErrorAtField()
    {
        var (client, _, _) = await SignUpAsync();

        using var response = await CreateKeyAsync(client, "browser app", delivery: "Cookie");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(
            "<span class=\"error field-validation-error\" data-valmsg-for=\"Input.AllowedOrigins\"[^>]*>Cookie mode needs at least one allowed origin",
            html);
        Assert.Empty(await KeysOfAsync(client));
    }

    [Fact]
    public async Task Revoke_OtherAccountsKey_Returns404()
    {
        var (owner, _, _) = await SignUpAsync();
        using var created = await CreateKeyAsync(owner, "owner key");
        SecretLedger.Register(SecretInput().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value);
        var keyId = Assert.Single(await KeysOfAsync(owner));
        var (other, _, _) = await SignUpAsync();
        var token = await AntiforgeryTokenAsync(other, "/integration");

        var list = await other.GetStringAsync("/integration");
        using var see = await other.GetAsync($"/integration/keys/{keyId}/revoke");
        using var revoke = await other.PostAsync($"/integration/keys/{keyId}/revoke", Form(token));
        using var ownRevoke = await owner.PostAsync($"/integration/keys/{keyId}/revoke", Form(await AntiforgeryTokenAsync(owner, $"/integration/keys/{keyId}/revoke")));

        Assert.DoesNotContain(keyId, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, see.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, ownRevoke.StatusCode);
        Assert.Contains("status-revoked", await owner.GetStringAsync("/integration"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("366")]
    [InlineData("2147483647")]
    public async Task CreateKey_LifetimeOutOfRange_NamesConfiguredMaximum(string days)
    {
        var (client, _, _) = await SignUpAsync();

        using var response = await CreateKeyAsync(client, "out of range", lifetimeDays: days);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The lifetime must be a whole number of days from 1 to 365.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await KeysOfAsync(client));
    }

    [Fact]
    public async Task Activity_ShowsOnlyOwnKeyEvents()
    {
        var (owner, _, _) = await SignUpAsync();
        using var created = await CreateKeyAsync(owner, "audited key");
        SecretLedger.Register(SecretInput().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value);
        var keyId = Assert.Single(await KeysOfAsync(owner));
        var (other, _, _) = await SignUpAsync();
        await factory.Services.GetRequiredService<Cloudsign.Auth.Audit.AuditTrail>().FlushAsync(CancellationToken.None);

        var ownerPage = await owner.GetStringAsync("/integration/activity");
        var otherPage = await other.GetStringAsync("/integration/activity");

        Assert.Contains("api_key_created", ownerPage, StringComparison.Ordinal);
        Assert.Contains(keyId, ownerPage, StringComparison.Ordinal);
        Assert.DoesNotContain(keyId, otherPage, StringComparison.Ordinal);
        Assert.Contains("No activity yet.", otherPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPasswordFiveTimes_LocksOut()
    {
        var (_, email, password) = await SignUpAsync();
        var client = NewClient();

        for (var attempt = 1; attempt < 5; attempt++)
        {
            using var wrong = await LoginAsync(client, email, "Wrong-password-123");
            Assert.Contains("Invalid email or password.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var fifth = await LoginAsync(client, email, "Wrong-password-123");
        using var correct = await LoginAsync(client, email, password);

        Assert.Contains("This account is locked after too many failed sign-ins.", await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, correct.StatusCode);
        Assert.Contains("This account is locked after too many failed sign-ins.", await correct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_CorrectPassword_RedirectsToIntegration()
    {
        var (_, email, password) = await SignUpAsync();
        var client = NewClient();

        using var response = await LoginAsync(client, email, password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/integration", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_OverAddressLimit_Returns429()
    {
        using var limited = new CloudsignFactory().With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "2");
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var first = await client.GetAsync("/login");
        using var second = await client.GetAsync("/login");
        using var third = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter is not null);
    }

    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(HttpClient Client, string Email, string Password)> SignUpAsync()
    {
        var client = NewClient();
        var email = $"owner-{Guid.NewGuid():N}@mail.com";
        var password = SecretLedger.Register($"Pw-{Guid.NewGuid():N}A1");
        var token = await AntiforgeryTokenAsync(client, "/signup");
        using var response = await client.PostAsync("/signup", Form(token, new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (client, email, password);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password)
    {
        var token = await AntiforgeryTokenAsync(client, "/login");
        return await client.PostAsync("/login", Form(token, new() { ["Input.Email"] = email, ["Input.Password"] = password }));
    }

    private static async Task<HttpResponseMessage> CreateKeyAsync(HttpClient client, string name, string delivery = "Body", string lifetimeDays = "90")
    {
        var token = await AntiforgeryTokenAsync(client, "/integration");
        return await client.PostAsync("/integration?handler=Create", Form(token, new()
        {
            ["Input.Name"] = name,
            ["Input.Environment"] = "production",
            ["Input.LifetimeDays"] = lifetimeDays,
            ["Input.Delivery"] = delivery,
        }));
    }

    private static async Task<string[]> KeysOfAsync(HttpClient client) =>
        [.. KeyRow().Matches(await client.GetStringAsync("/integration")).Select(m => m.Groups[1].Value)];

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path) =>
        AntiforgeryField().Match(await client.GetStringAsync(path)).Groups[1].Value;

    private static FormUrlEncodedContent Form(string token, Dictionary<string, string>? fields = null)
    {
        fields ??= [];
        fields["__RequestVerificationToken"] = token;
        return new FormUrlEncodedContent(fields);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("id=\"secret-value\" class=\"mono\" type=\"text\" readonly value=\"([0-9a-f-]{36})\"")]
    private static partial Regex SecretInput();

    [GeneratedRegex("<tr data-key-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex KeyRow();
}
