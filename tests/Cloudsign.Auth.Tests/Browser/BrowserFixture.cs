using System.Net;
using System.Net.Sockets;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace Cloudsign.Auth.Tests.Browser;

/// <summary>
/// The service on Kestrel at <c>http://localhost:PORT</c>, a second small server that plays the
/// browser integrator's site on two other origins, and Debian's Chromium driven by Playwright.
/// Chromium treats <c>localhost</c> and <c>127.0.0.1</c> as secure contexts, so it stores the
/// <c>Secure</c> refresh cookie over plain HTTP there. Every request the browser makes to a host
/// other than the loopback names is aborted and recorded.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package installs the browser here; Playwright downloads nothing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly List<string> _outsideRequests = [];
    private WebApplication? _clientSite;

    public KestrelCloudsignFactory Service { get; } = new(FreePort());

    /// <summary>The service's origin, such as <c>http://localhost:41234</c>.</summary>
    public string ServiceOrigin => Service.Origin;

    /// <summary>
    /// An integrator's origin on the same site as the service (another port of <c>localhost</c>),
    /// where the <c>SameSite=Strict</c> cookie still travels.
    /// </summary>
    public string ClientOrigin { get; private set; } = "";

    /// <summary>An origin that no key allows.</summary>
    public string OtherOrigin { get; private set; } = "";

    /// <summary>The integrator's page under the refresh cookie's path.</summary>
    public const string ClientPagePath = "/api/v1/auth/client";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The non-loopback URLs the browser tried to reach, for the whole run.</summary>
    public IReadOnlyList<string> OutsideRequests
    {
        get
        {
            lock (_outsideRequests)
            {
                return [.. _outsideRequests];
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}; install Debian's package with 'apt-get install -y chromium'. " +
                "The browser tests fail rather than skip without it.");
        }

        Service.StartServer();
        await StartClientSiteAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // Playwright gives each launch a fresh temporary profile. These switches keep Chromium
            // from calling home, so every request the tests see comes from the pages.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>Opens a fresh context (no cookies) that may use the clipboard and reaches only loopback hosts.</summary>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        // Only requests to other hosts are routed through the test, so the pages' own requests
        // never wait on a .NET callback.
        await context.RouteAsync(url => !StaysLocal(url), async route =>
        {
            lock (_outsideRequests)
            {
                _outsideRequests.Add(route.Request.Url);
            }

            await route.AbortAsync();
        });
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        Playwright?.Dispose();
        if (_clientSite is not null)
        {
            await _clientSite.StopAsync();
            await _clientSite.DisposeAsync();
        }

        await Service.DisposeAsync();
    }

    // The integrator's site: an empty page, from which the tests run fetch calls.
    private async Task StartClientSiteAsync()
    {
        var clientPort = FreePort();
        var otherPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(clientPort);
            kestrel.Listen(IPAddress.Loopback, otherPort);
        });
        _clientSite = builder.Build();

        // The page is also served under the refresh cookie's path: cookies ignore ports, so a
        // script there would see the cookie in document.cookie unless it is HttpOnly.
        var page = Results.Content(
            "<!DOCTYPE html><html lang=\"en\"><head><title>Integrator site</title></head><body><h1>Integrator site</h1></body></html>",
            "text/html");
        _clientSite.MapGet("/", () => page);
        _clientSite.MapGet(ClientPagePath, () => page);
        await _clientSite.StartAsync();
        ClientOrigin = $"http://localhost:{clientPort}";
        OtherOrigin = $"http://127.0.0.1:{otherPort}";
    }

    // Loopback HTTP and WebSocket URLs, and URLs with no host such as data: and blob:.
    private static bool StaysLocal(string url) =>
        !Uri.TryCreate(url, UriKind.Absolute, out var uri)
        || uri.Scheme is not ("http" or "https" or "ws" or "wss")
        || uri.Host is "localhost" or "127.0.0.1" or "[::1]";

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The test service on a real Kestrel socket at <c>http://localhost:PORT</c>.</summary>
public sealed class KestrelCloudsignFactory : CloudsignFactory
{
    public KestrelCloudsignFactory(int port)
    {
        Origin = $"http://localhost:{port}";
        UseKestrel(kestrel => kestrel.ListenLocalhost(port));
    }

    public string Origin { get; }
}

// The browser tests run alone, after the parallel ones: under the full suite's load on 2 cores, a
// sign-up form post once waited past Playwright's 30 s timeout, and alone they take 10 s.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
