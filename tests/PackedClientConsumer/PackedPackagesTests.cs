using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Cloudsign.Auth.Client;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace PackedClientConsumer;

/// <summary>The packed libraries, restored from the local folder feed, used against the real service.</summary>
public sealed class PackedPackagesTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private static string Metadata(string key) =>
        typeof(PackedPackagesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [Theory]
    [InlineData("Cloudsign.Auth.Client")]
    [InlineData("Cloudsign.Auth.ResourceServer")]
    public void Package_Contents_HaveReadmeLicenseDocsAndRepository(string id)
    {
        var version = Metadata("CloudsignPackageVersion");
        var path = Path.Combine(Metadata("CloudsignPackageFeed"), $"{id}.{version}.nupkg");

        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");

        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Equal("README.md", Element("readme"));
        Assert.Equal("MIT", Element("license"));
        Assert.Equal("git", repository.Attribute("type")?.Value);
        Assert.False(string.IsNullOrEmpty(repository.Attribute("url")?.Value));
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
    }

    [Fact]
    public void Client_Assembly_ComesFromPackage()
    {
        var version = Metadata("CloudsignPackageVersion");
        var informational = typeof(CloudsignClientOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PackedClientConsumer.deps.json")));
        var library = deps.RootElement.GetProperty("libraries").GetProperty($"Cloudsign.Auth.Client/{version}");

        // The build that was packed stamps its version, and the dependency graph lists a package, not a project.
        Assert.StartsWith(version + "+", informational, StringComparison.Ordinal);
        Assert.Equal("package", library.GetProperty("type").GetString());
    }

    [Fact]
    public async Task PackedLibraries_RealService_AcceptToken()
    {
        var key = await factory.CreateKeyAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(factory.Time);
        services.AddCloudsignApiClient("cloudsign", options =>
            {
                options.Authority = new Uri("http://localhost:8080/");
                options.Environment = key.Environment;
                options.Email = key.Email;
                options.ApiKey = key.Secret;
            })
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        services.AddHttpClient(CloudsignClientDefaults.TokenHttpClientName("cloudsign"))
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("cloudsign");

        using var me = await client.GetAsync("api/v1/me");
        var accessToken = me.RequestMessage!.Headers.Authorization!.Parameter!;
        SecretLedger.Register(accessToken);
        await using var resourceServer = await StartResourceServerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/subject");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var accepted = await resourceServer.GetTestClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        Assert.Equal(key.KeyId.ToString(), body.RootElement.GetProperty("data").GetProperty("key_id").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal($"{key.AccountId}+{key.KeyId}", await accepted.Content.ReadAsStringAsync());
    }

    private async Task<WebApplication> StartResourceServerAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(factory.Time);
        builder.Services.AddAuthentication().AddCloudsignBearer(options =>
        {
            options.Authority = "http://localhost:8080";
            options.Environment = "production";
            options.RequireHttpsMetadata = false;
            options.BackchannelHttpHandler = factory.Server.CreateHandler();
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/subject", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
        await app.StartAsync();
        return app;
    }
}
