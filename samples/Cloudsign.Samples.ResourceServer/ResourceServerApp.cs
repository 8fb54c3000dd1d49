using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Cloudsign.Samples.ResourceServer;

/// <summary>Where the sample finds Cloudsign Auth and which tokens it accepts (configuration section <c>ResourceServer</c>).</summary>
public sealed class ResourceServerOptions
{
    public const string Section = "ResourceServer";

    /// <summary>
    /// The RFC 8414 metadata address of Cloudsign Auth; the signing keys are found from it. It must be
    /// https unless its host is a loopback address. Default: a local Cloudsign Auth on port 8080.
    /// </summary>
    public string MetadataAddress { get; set; } = "http://localhost:8080/.well-known/oauth-authorization-server";

    /// <summary>The <c>aud</c> that tokens must carry, <c>Tokens:Audience</c> of Cloudsign Auth. Default <c>cloudsign-api</c>.</summary>
    public string Audience { get; set; } = "cloudsign-api";

    /// <summary>The one environment this deployment serves; tokens of any other environment are rejected. Default <c>production</c>.</summary>
    public string Environment { get; set; } = "production";
}

/// <summary>The response of <c>GET /documents</c>: whose token was accepted.</summary>
public sealed record CallerInfo(
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("env")] string Environment);

/// <summary>
/// A minimal Cloudsign resource server: it validates access tokens offline with ASP.NET Core's
/// JwtBearer handler, configured with the metadata address and the audience only, and adds the
/// checks a generic validator does not know: <c>typ</c> <c>at+jwt</c> (RFC 9068 §4), the
/// <c>type</c> claim <c>access</c> and the deployment's environment.
/// </summary>
public static class ResourceServerApp
{
    /// <summary>Builds the app; <paramref name="configure"/> lets a host or a test adjust the builder first.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var settings = builder.Configuration.GetSection(ResourceServerOptions.Section).Get<ResourceServerOptions>() ?? new();
        Validate(settings);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MetadataAddress = settings.MetadataAddress;
            options.RequireHttpsMetadata = !new Uri(settings.MetadataAddress).IsLoopback;
            options.Audience = settings.Audience;
            options.MapInboundClaims = false;

            // Refresh tokens have typ JWT, access tokens at+jwt (RFC 9068 §2.1).
            options.TokenValidationParameters.ValidTypes = ["at+jwt"];

            // Cloudsign Auth signs with ES256 by default; pinning it rejects every other algorithm (RFC 8725 §3.1).
            options.TokenValidationParameters.ValidAlgorithms = ["ES256"];
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    var principal = context.Principal!;
                    if (principal.FindFirstValue("type") != "access")
                    {
                        context.Fail("the token is not an access token");
                    }
                    else if (principal.FindFirstValue("env") != settings.Environment)
                    {
                        context.Fail($"the token is not for the {settings.Environment} environment");
                    }

                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/documents", (ClaimsPrincipal user) => TypedResults.Ok(new CallerInfo(
                user.FindFirstValue("sub") ?? "",
                user.FindFirstValue("client_id") ?? "",
                user.FindFirstValue("env") ?? "")))
            .RequireAuthorization();

        return app;
    }

    private static void Validate(ResourceServerOptions settings)
    {
        if (!Uri.TryCreate(settings.MetadataAddress, UriKind.Absolute, out var metadata)
            || (metadata.Scheme != Uri.UriSchemeHttps && !(metadata.Scheme == Uri.UriSchemeHttp && metadata.IsLoopback)))
        {
            throw new InvalidOperationException("ResourceServer:MetadataAddress must be the absolute https URL of the Cloudsign Auth metadata (http only on a loopback host), such as https://auth.example.com/.well-known/oauth-authorization-server.");
        }

        if (string.IsNullOrWhiteSpace(settings.Audience))
        {
            throw new InvalidOperationException("ResourceServer:Audience is empty; set the Tokens:Audience of Cloudsign Auth, such as cloudsign-api.");
        }

        if (string.IsNullOrWhiteSpace(settings.Environment))
        {
            throw new InvalidOperationException("ResourceServer:Environment is empty; set the one environment this deployment serves, such as production.");
        }
    }
}
