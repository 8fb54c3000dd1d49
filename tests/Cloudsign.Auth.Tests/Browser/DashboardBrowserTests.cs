using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Cloudsign.Auth.Tests.Browser;

/// <summary>The dashboard in Chromium: sign-up, the API Integration tab, its console, revocation and ownership.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class DashboardBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Integration_NewAccount_CreatesKeyAndSendsRequest()
    {
        await using var context = await fixture.NewContextAsync();
        var (page, email) = await SignUpAsync(context);
        Assert.Equal("API Integration", await page.Locator("h1").TextContentAsync());
        Assert.Empty(await UnlabelledFieldsAsync(page));

        var secret = await CreateKeyAsync(page, "production backend");
        Assert.Matches(SecretPattern(), secret);
        Assert.Contains("It will not be shown again", await page.Locator("#new-secret").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(email, await page.Locator("#console-email").InputValueAsync());

        await page.Locator("#console-client-id").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send API Request" }).ClickAsync();

        await Expect(page.Locator("#console-status")).ToHaveTextAsync(new Regex("^HTTP 200"));
        using var body = JsonDocument.Parse((await page.Locator("#console-body").TextContentAsync())!);
        var data = body.RootElement.GetProperty("data");
        SecretLedger.Register(data.GetProperty("access_token").GetString()!);
        SecretLedger.Register(data.GetProperty("refresh_token").GetString()!);
        Assert.Equal("", body.RootElement.GetProperty("msg").GetString());
        Assert.Equal("Bearer", data.GetProperty("token_type").GetString());
        Assert.Equal("3600", data.GetProperty("expires_in").GetString());
        var curl = (await page.Locator("#console-curl").TextContentAsync())!;
        Assert.StartsWith($"curl --request POST --url '{fixture.ServiceOrigin}/api/v1/auth/api-access-token'", curl, StringComparison.Ordinal);

        await Screenshots.TakeIntegrationAsync(page, secret);

        var (exitCode, output) = await RunShellAsync(curl + " --silent --write-out '\\n%{http_code}'");
        var lines = output.TrimEnd().Split('\n');
        using var shellBody = JsonDocument.Parse(string.Join('\n', lines[..^1]));
        SecretLedger.Register(shellBody.RootElement.GetProperty("data").GetProperty("access_token").GetString()!);
        SecretLedger.Register(shellBody.RootElement.GetProperty("data").GetProperty("refresh_token").GetString()!);
        Assert.Equal(0, exitCode);
        Assert.Equal("200", lines[^1]);
        Assert.Equal("", shellBody.RootElement.GetProperty("msg").GetString());

        // After a reload the secret is gone from the page, and the reload did not post the form again.
        await page.ReloadAsync();
        var html = await page.ContentAsync();
        var fieldValues = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('input, textarea')].map(e => e.value)");
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, string.Join('\n', fieldValues), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#new-secret").CountAsync());
        Assert.Equal(1, await page.Locator("tr[data-key-id]").CountAsync());
        Assert.Equal("active", await page.Locator("tr[data-key-id] .status").TextContentAsync());
        Assert.Empty(fixture.OutsideRequests);
    }

    [Fact]
    public async Task Integration_RevokedKey_TokenRequestFails401()
    {
        await using var context = await fixture.NewContextAsync();
        var (page, _) = await SignUpAsync(context);
        var secret = await CreateKeyAsync(page, "to revoke");
        var row = page.Locator("tr[data-key-id]");

        await row.GetByRole(AriaRole.Link, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Revoke key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await page.WaitForURLAsync(fixture.ServiceOrigin + "/integration");

        Assert.Equal("revoked", await row.Locator(".status").TextContentAsync());
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Revoked key to revoke");
        await page.Locator("#console-client-id").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send API Request" }).ClickAsync();
        await Expect(page.Locator("#console-status")).ToHaveTextAsync(new Regex("^HTTP 401"));
        using var body = JsonDocument.Parse((await page.Locator("#console-body").TextContentAsync())!);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("data").ValueKind);
        Assert.StartsWith("this API key was revoked at ", body.RootElement.GetProperty("msg").GetString(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(fixture.ServiceOrigin + "/login");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are signed out.");
        var afterSignOut = await page.GotoAsync(fixture.ServiceOrigin + "/integration");
        Assert.StartsWith(fixture.ServiceOrigin + "/login", afterSignOut!.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integration_OtherAccount_GetsNotFound()
    {
        await using var ownerContext = await fixture.NewContextAsync();
        var (ownerPage, _) = await SignUpAsync(ownerContext);
        await CreateKeyAsync(ownerPage, "owner key");
        var keyId = (await ownerPage.Locator("tr[data-key-id]").GetAttributeAsync("data-key-id"))!;
        await using var otherContext = await fixture.NewContextAsync();
        var (otherPage, _) = await SignUpAsync(otherContext);
        var token = (await otherPage.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!;
        var revokeUrl = $"{fixture.ServiceOrigin}/integration/keys/{keyId}/revoke";

        var listHtml = await otherPage.ContentAsync();
        var see = await otherPage.GotoAsync(revokeUrl);
        var revokeForm = otherContext.APIRequest.CreateFormData();
        revokeForm.Set("__RequestVerificationToken", token);
        var revoke = await otherContext.APIRequest.PostAsync(revokeUrl, new() { Form = revokeForm, MaxRedirects = 0 });
        var createForm = otherContext.APIRequest.CreateFormData();
        createForm.Set("Input.Name", "no token");
        createForm.Set("Input.Environment", "production");
        createForm.Set("Input.LifetimeDays", "90");
        createForm.Set("Input.Delivery", "Body");
        var withoutToken = await otherContext.APIRequest.PostAsync(
            fixture.ServiceOrigin + "/integration?handler=Create", new() { Form = createForm, MaxRedirects = 0 });
        await ownerPage.ReloadAsync();

        Assert.DoesNotContain(keyId, listHtml, StringComparison.Ordinal);
        Assert.Contains("No keys yet", listHtml, StringComparison.Ordinal);
        Assert.Equal(404, see!.Status);
        Assert.Equal(404, revoke.Status);
        Assert.Equal(400, withoutToken.Status);
        Assert.Equal("active", await ownerPage.Locator($"tr[data-key-id='{keyId}'] .status").TextContentAsync());
        await otherPage.GotoAsync(fixture.ServiceOrigin + "/integration");
        Assert.Equal(0, await otherPage.Locator("tr[data-key-id]").CountAsync());
    }

    [Fact]
    public async Task Docs_Reference_ListsEveryEndpoint()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(fixture.ServiceOrigin + "/docs");

        Assert.Equal(200, response!.Status);
        foreach (var summary in new[]
        {
            "Trades an API key for an access token and a refresh token.",
            "Spends a refresh token and returns the next pair of its family.",
            "Revokes the family of a refresh token; succeeds for unknown and expired tokens too.",
            "Returns the account, key and environment of the access token.",
        })
        {
            await Expect(page.GetByText(summary).First).ToBeAttachedAsync();
        }

        await Screenshots.TakeAsync(page, "docs.png", fullPage: false);
        Assert.Empty(fixture.OutsideRequests);
    }

    private async Task<(IPage Page, string Email)> SignUpAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.ServiceOrigin + "/signup");
        var email = $"owner-{Guid.NewGuid():N}@mail.com";
        var password = SecretLedger.Register($"Pw-{Guid.NewGuid():N}A1");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat the password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.True(
            page.Url == fixture.ServiceOrigin + "/integration",
            $"sign-up stayed at {page.Url}: {await page.Locator("main").InnerTextAsync()}");
        return (page, email);
    }

    // Creates a production key in body mode and copies its secret with the page's Copy button.
    private static async Task<string> CreateKeyAsync(IPage page, string name)
    {
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Environment", new() { Exact = true }).SelectOptionAsync("production");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var created = page.Locator("#new-secret");
        await created.WaitForAsync();
        var copy = created.Locator("button.copy");
        await copy.ClickAsync();
        await Expect(copy).ToHaveTextAsync("Copied");
        return SecretLedger.Register(await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
    }

    private static async Task<string[]> UnlabelledFieldsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
                .filter(field => ![...(field.labels ?? [])].some(label => label.getClientRects().length > 0 && label.textContent.trim() !== ""))
                .map(field => field.id || field.name)
            """);

    private static async Task<(int ExitCode, string Output)> RunShellAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex SecretPattern();
}
