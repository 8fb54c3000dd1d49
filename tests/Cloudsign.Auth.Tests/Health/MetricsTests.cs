using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tests.Tokens;

namespace Cloudsign.Auth.Tests.Health;

/// <summary>
/// Meters are process-wide, so every test host in this process adds to the same counters. These
/// tests run alone, after the parallel ones, so the counters move only by what they do.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsTestGroup
{
    public const string Name = "Metrics";
}

[Collection(MetricsTestGroup.Name)]
public sealed partial class MetricsTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<string> ScrapeAsync()
    {
        using var response = await _client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    // The value of one series, or 0 when it has not been exported yet.
    private static double Value(string scrape, string series)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [Fact]
    public async Task Metrics_AfterTokenAndReuse_CountersMove()
    {
        var key = await factory.CreateKeyAsync();
        var before = await ScrapeAsync();

        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var refreshed = await RefreshTests.RefreshWithHeaderAsync(_client, pair.RefreshToken!);
        await TokenPair.ReadAsync(refreshed);
        using var reuse = await RefreshTests.RefreshWithHeaderAsync(_client, pair.RefreshToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        var after = await ScrapeAsync();

        const string Scope = "otel_scope_name=\"Cloudsign.Auth\"";
        string[] series =
        [
            $"cloudsign_auth_tokens_issued_total{{{Scope}}}",
            $"cloudsign_auth_tokens_refreshed_total{{{Scope}}}",
            $"cloudsign_auth_refresh_reuse_detected_total{{{Scope}}}",
            $"cloudsign_auth_token_requests_failed_total{{{Scope},endpoint=\"RefreshTokens\",reason=\"refresh_token_reused\"}}",
        ];
        foreach (var name in series)
        {
            Assert.True(Value(after, name) - Value(before, name) == 1, $"{name} moved from {Value(before, name)} to {Value(after, name)}");
        }

        Assert.Contains("http_server_request_duration_seconds_bucket{", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Scrape_IncludesRuntimeSeries()
    {
        var scrape = await ScrapeAsync();

        Assert.Contains("\ndotnet_gc_heap_total_allocated_bytes_total{", scrape, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_process_cpu_time_seconds_total{", scrape, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_thread_pool_queue_length{", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Labels_HoldNoSecretOrEmail()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var wrongEmail = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, "someone-else@mail.com", key.Secret);

        var scrape = await ScrapeAsync();

        Assert.Contains("""reason="invalid_credentials""", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Email, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain("someone-else", scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.AccessToken, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(key.KeyId.ToString(), scrape, StringComparison.Ordinal);
        Assert.DoesNotMatch(EmailPattern(), scrape);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}")]
    private static partial Regex EmailPattern();
}
