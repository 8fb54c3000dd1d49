using System.Collections.Concurrent;
using System.Text;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Cloudsign.Auth.Client.Tests.Fixtures;

/// <summary>
/// The real service with a counting middleware in front of it: every request is counted by path
/// at the server side. It also serves <c>/test/always-401</c>, a protected resource that rejects
/// every token and records each request body, to prove the client retries once and only once.
/// </summary>
public sealed class CountingCloudsignFactory : CloudsignFactory
{
    public const string AlwaysUnauthorizedPath = "/test/always-401";

    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> AlwaysUnauthorizedBodies { get; } = new();

    public int Hits(string path) => _hits.TryGetValue(path, out var count) ? count : 0;

    public void ResetCounts()
    {
        _hits.Clear();
        AlwaysUnauthorizedBodies.Clear();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new CountingStartupFilter(this)));
    }

    private sealed class CountingStartupFilter(CountingCloudsignFactory factory) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                factory._hits.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, count) => count + 1);
                if (context.Request.Path == AlwaysUnauthorizedPath)
                {
                    using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                    factory.AlwaysUnauthorizedBodies.Enqueue(await reader.ReadToEndAsync());
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"rejected by the test resource\"";
                    return;
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
