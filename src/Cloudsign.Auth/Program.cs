using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.ApiReference;
using Cloudsign.Auth.Cli;
using Cloudsign.Auth.Dashboard;
using Cloudsign.Auth.Health;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.OAuth;
using Cloudsign.Auth.Resources;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tokens;
using Microsoft.Extensions.DependencyInjection.Extensions;

var invocation = CommandLineInvocation.Split(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = invocation.HostArguments,

    // appsettings.json ships beside the executable; relative paths such as ./data/ stay relative to the working folder.
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddEnvironmentVariables(prefix: "CLOUDSIGN_");
builder.Configuration.AddCommandLine(invocation.HostArguments);
if (!invocation.Serves)
{
    builder.Logging.AddCommandLineLogging();
}

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services
    .AddCloudsignHttp()
    .AddStorage()
    .AddAccounts()
    .AddApiKeys()
    .AddSigning()
    .AddTokens()
    .AddOAuth()
    .AddAudit()
    .AddHealth()
    .AddCloudsignMetrics()
    .AddDashboard()
    .AddApiReference();

var app = builder.Build();

app.UseTrustedProxies();
app.UseCloudsignRateLimits();
app.MapTokenEndpoints();
app.MapResourceEndpoints();
app.MapSigningEndpoints();
app.MapOAuthEndpoints();
app.MapDiscoveryEndpoints();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapApiReference();
app.MapDashboard();

return await invocation.RunAsync(app);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
