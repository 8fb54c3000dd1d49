using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Logging;

/// <summary>
/// ASP.NET Core starts an Activity and a log scope for every request whenever its hosting
/// diagnostics category logs at any level, which cost about 5 % of a token request's CPU time.
/// The shipped settings turn that category off (docs/deployment.md, "Logs").
/// </summary>
public sealed class HostingDiagnosticsTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    [Fact]
    public void HostingDiagnostics_ShippedSettings_LogNothing()
    {
        var logger = factory.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }
}
