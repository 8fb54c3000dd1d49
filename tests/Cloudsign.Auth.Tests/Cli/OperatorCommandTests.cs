using System.CommandLine;
using System.Text.Json;
using Cloudsign.Auth.Cli;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;

namespace Cloudsign.Auth.Tests.Cli;

public sealed class OperatorCommandTests : IDisposable
{
    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KeysCreate_Json_PrintsKeyIdAndSecretOnce()
    {
        var account = await _cli.RunAsync("accounts", "create", "--email", "Owner@Mail.com", "--json");
        var created = await _cli.RunAsync("keys", "create", "--email", "owner@mail.com", "--env", "sandbox", "--name", "ci", "--json");
        using var key = JsonDocument.Parse(created.StandardOutput);
        var secret = SecretLedger.Register(key.RootElement.GetProperty("client_id").GetString()!);
        var listed = await _cli.RunAsync("keys", "list", "--email", "OWNER@mail.com", "--json");

        Assert.Equal(0, account.ExitCode);
        Assert.Equal("owner@mail.com", JsonDocument.Parse(account.StandardOutput).RootElement.GetProperty("email").GetString());
        Assert.Equal(0, created.ExitCode);
        Assert.True(Guid.TryParse(key.RootElement.GetProperty("key_id").GetString(), out var keyId));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", secret);
        Assert.Equal("sandbox", key.RootElement.GetProperty("env").GetString());
        Assert.Equal(0, listed.ExitCode);
        Assert.DoesNotContain(secret, listed.StandardOutput, StringComparison.Ordinal);
        var row = Assert.Single(JsonDocument.Parse(listed.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(keyId, row.GetProperty("key_id").GetGuid());
        Assert.Equal(secret[^4..], row.GetProperty("secret_last4").GetString());
        Assert.Equal("active", row.GetProperty("status").GetString());
    }

    [Fact]
    public async Task KeysRevoke_Key_IsListedAsRevoked()
    {
        await _cli.RunAsync("accounts", "create", "--email", "owner@mail.com");
        var created = await _cli.RunAsync("keys", "create", "--email", "owner@mail.com", "--env", "production", "--json");
        using var key = JsonDocument.Parse(created.StandardOutput);
        SecretLedger.Register(key.RootElement.GetProperty("client_id").GetString()!);
        var keyId = key.RootElement.GetProperty("key_id").GetString()!;

        var revoked = await _cli.RunAsync("keys", "revoke", keyId, "--json");

        Assert.Equal(0, revoked.ExitCode);
        Assert.Equal("revoked", JsonDocument.Parse(revoked.StandardOutput).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task KeysList_UnknownAccount_FailsOnStandardError()
    {
        var result = await _cli.RunAsync("keys", "list", "--email", "nobody@mail.com");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal("error: no account with email nobody@mail.com was found", result.StandardError.Trim());
    }

    [Fact]
    public async Task KeysCreate_UnknownEnvironment_NamesChoices()
    {
        await _cli.RunAsync("accounts", "create", "--email", "owner@mail.com");

        var result = await _cli.RunAsync("keys", "create", "--email", "owner@mail.com", "--env", "staging");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: env must be one of: sandbox, production", result.StandardError.Trim());
    }

    [Fact]
    public async Task KeysCreate_BadDuration_NamesOption()
    {
        var result = await _cli.RunAsync("keys", "create", "--email", "owner@mail.com", "--env", "sandbox", "--expires-in", "soon");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --expires-in 'soon' is not a duration: use a number with d, h or m, such as 90d.", result.StandardError.Trim());
    }

    [Fact]
    public async Task AnyCommand_InvalidSetting_NamesSettingWithoutStackTrace()
    {
        var result = await _cli.RunAsync("keys", "list", "--email", "owner@mail.com", "--Tokens:ClockSkew=00:05:00");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: invalid configuration: Tokens:ClockSkew is 00:05:00; set it between 00:00:00 and 00:00:30.", result.StandardError.Trim());
    }

    [Fact]
    public async Task AnyCommand_SettingOfWrongType_NamesSetting()
    {
        var result = await _cli.RunAsync("keys", "list", "--email", "owner@mail.com", "--Tokens:AccessTokenLifetime=banana");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(
            "error: invalid configuration: Failed to convert configuration value 'banana' at 'Tokens:AccessTokenLifetime'",
            result.StandardError.Trim(),
            StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidSetting_ExitsBeforeListening()
    {
        var result = await _cli.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--Tokens:SigningAlgorithm=HS256", "--Tokens:HmacSecret=c2hvcnQ=");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: invalid configuration: Tokens:HmacSecret must be base64 of at least 32 random bytes", result.StandardError.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningKeysRotate_NewKey_IsPublishedAhead()
    {
        var before = await _cli.RunAsync("signing-keys", "list", "--json");
        var rotated = await _cli.RunAsync("signing-keys", "rotate", "--json");
        var after = await _cli.RunAsync("signing-keys", "list", "--json");

        Assert.Equal(0, rotated.ExitCode);
        using var key = JsonDocument.Parse(rotated.StandardOutput);
        Assert.Equal("published", key.RootElement.GetProperty("status").GetString());
        var created = DateTimeOffset.Parse(key.RootElement.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var activeFrom = DateTimeOffset.Parse(key.RootElement.GetProperty("active_from").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(24), activeFrom - created);
        Assert.Single(JsonDocument.Parse(before.StandardOutput).RootElement.EnumerateArray());
        var statuses = JsonDocument.Parse(after.StandardOutput).RootElement.EnumerateArray().Select(k => k.GetProperty("status").GetString()).ToList();
        Assert.Equal(["published", "signing"], statuses);
    }

    [Fact]
    public void CommandOptions_ListEveryOptionOfTheTree()
    {
        var root = OperatorCommands.Build(WebApplication.CreateBuilder().Build());
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(root, names);

        foreach (var name in names.Where(n => n.StartsWith("--", StringComparison.Ordinal)))
        {
            Assert.Contains(name, CommandLineInvocation.CommandOptions);
        }
    }

    private static void Collect(Command command, HashSet<string> names)
    {
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var child in command.Subcommands)
        {
            Collect(child, names);
        }
    }

    [Theory]
    [InlineData(new[] { "keys", "list", "--email", "a@b.c", "--Storage:Provider=postgresql" }, new[] { "keys", "list", "--email", "a@b.c" }, new[] { "--Storage:Provider=postgresql" })]
    [InlineData(new[] { "serve", "--urls", "http://127.0.0.1:8080" }, new[] { "serve" }, new[] { "--urls=http://127.0.0.1:8080" })]
    [InlineData(new[] { "--Tokens:Issuer", "https://auth.example.com", "keys", "revoke", "x" }, new[] { "keys", "revoke", "x" }, new[] { "--Tokens:Issuer=https://auth.example.com" })]
    [InlineData(new[] { "keys", "create", "--json", "--origin", "https://a.example" }, new[] { "keys", "create", "--json", "--origin", "https://a.example" }, new string[0])]
    public void Split_SeparatesSettingsFromCommand(string[] args, string[] command, string[] host)
    {
        var invocation = CommandLineInvocation.Split(args);

        Assert.Equal(command, invocation.CommandArguments);
        Assert.Equal(host, invocation.HostArguments);
    }
}
