using Scalar.AspNetCore;

namespace Cloudsign.Auth.ApiReference;

public static class ApiReferenceExtensions
{
    /// <summary>The path of the OpenAPI document.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Registers the OpenAPI document <c>v1</c> with the request and response examples of every Cloudsign endpoint.</summary>
    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Cloudsign Auth";
                document.Info.Description =
                    "Trade an API key for an access token and a refresh token, rotate and revoke refresh tokens, " +
                    "and call the sample protected resource. Every body is the {\"data\": ..., \"msg\": \"\"} envelope.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<OperationExamplesTransformer>();
        });
        return services;
    }

    /// <summary>
    /// Maps the OpenAPI document and the Scalar reference at <c>/docs</c>. Scalar's script is served
    /// from the package by the service; its web fonts, telemetry and AI features, which would reach
    /// Scalar's servers, are off.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("Cloudsign Auth API reference")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideClientButton()
            .ExpandAllTags()
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl));
        return app;
    }
}
