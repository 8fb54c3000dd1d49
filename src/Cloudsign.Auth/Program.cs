using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Cli;
using Cloudsign.Auth.Health;
using Cloudsign.Auth.Http;
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
    .AddHealth()
    .AddCloudsignMetrics();

var app = builder.Build();

app.UseRateLimiter();
app.MapTokenEndpoints();
app.MapResourceEndpoints();
app.MapSigningEndpoints();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();

return await invocation.RunAsync(app);

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
