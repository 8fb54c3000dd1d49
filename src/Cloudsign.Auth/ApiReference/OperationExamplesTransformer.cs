using System.Text.Json.Nodes;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Resources;
using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cloudsign.Auth.ApiReference;

/// <summary>
/// Adds the request body, every documented response and their examples to the Cloudsign
/// operations, which read their bodies and write their envelopes without model binding.
/// </summary>
internal sealed class OperationExamplesTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name is null || !OperationExamples.ByEndpointName.TryGetValue(name, out var examples))
        {
            return;
        }

        if (examples.RequestType is { } requestType)
        {
            var requestSchema = await context.GetOrCreateSchemaAsync(requestType, null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = examples.RequestRequired,
                Description = examples.RequestDescription,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = requestSchema, Example = JsonNode.Parse(examples.RequestExample!) },
                },
            };
        }

        operation.Responses ??= [];
        foreach (var response in examples.Responses)
        {
            var type = response.Status == StatusCodes.Status200OK ? examples.SuccessType : typeof(Envelope<object>);
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            operation.Responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = response.Description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema, Example = JsonNode.Parse(response.Example) },
                },
            };
        }
    }
}

/// <summary>One documented response: the status, what it means and an example body.</summary>
internal sealed record ResponseExample(int Status, string Description, string Example);

/// <summary>The documented request and responses of one operation.</summary>
internal sealed record OperationExample(
    Type? RequestType,
    bool RequestRequired,
    string? RequestDescription,
    string? RequestExample,
    Type SuccessType,
    IReadOnlyList<ResponseExample> Responses);

/// <summary>The examples, by endpoint name; the token request is the public docs' request.</summary>
internal static class OperationExamples
{
    private const string AccessToken = "eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImF0K2p3dCJ9.eyJ0eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl";
    private const string RefreshToken = "eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl";

    private static readonly string TokenPair =
        $$"""{"data": {"access_token": "{{AccessToken}}", "expires_in": "3600", "refresh_token": "{{RefreshToken}}", "token_type": "Bearer"}, "msg": ""}""";

    private static readonly ResponseExample RateLimited = new(429,
        "Too many requests from this client address or for this account; the Retry-After header says when to retry.",
        Failure(ApiErrors.RateLimited.Message));

    private static readonly ResponseExample InvalidRefresh = new(401,
        "The refresh token is expired, malformed, wrongly signed, spent (which revokes its family) or its key was revoked.",
        Failure(ApiErrors.InvalidRefreshToken.Message));

    private static readonly ResponseExample CsrfMismatch = new(403,
        "The refresh token came from the cookie without a matching X-CSRF-Token header.",
        Failure(ApiErrors.CsrfMismatch.Message));

    public static readonly IReadOnlyDictionary<string, OperationExample> ByEndpointName = new Dictionary<string, OperationExample>(StringComparer.Ordinal)
    {
        ["RequestApiAccessToken"] = new(
            typeof(AccessTokenRequestBody),
            RequestRequired: true,
            "The environment, the key owner's email and the API key's secret.",
            """{"env": "production", "email": "user@mail.com", "client_id": "6a49724d-e0a0-4281-87ec-ff93504ee856"}""",
            typeof(Envelope<TokenPairData>),
            [
                new(200, "A new token pair. For a key in cookie mode, refresh_token is absent and set as the __Secure-cs_refresh cookie, and csrf_token is present.", TokenPair),
                new(400, "A field is missing, empty or of the wrong type, the JSON is malformed, or env is unknown.", Failure(ApiErrors.MissingField("client_id").Message)),
                new(401, "Unknown key, wrong email or wrong environment (one message for all three), or a revoked or expired key.", Failure(ApiErrors.InvalidCredentials.Message)),
                new(413, "The body is larger than 16 KiB.", Failure(ApiErrors.BodyTooLarge(JsonRequestBody.MaxBytes).Message)),
                new(415, "The Content-Type is not application/json.", Failure(ApiErrors.UnsupportedMediaType.Message)),
                RateLimited,
            ]),
        ["RefreshTokens"] = new(
            typeof(RefreshRequestBody),
            RequestRequired: false,
            "The refresh token, unless it is sent as 'Authorization: Bearer <refresh token>' or comes in the refresh cookie.",
            $$"""{"refresh_token": "{{RefreshToken}}"}""",
            typeof(Envelope<TokenPairData>),
            [
                new(200, "The next token pair of the same family; the presented refresh token is spent.", TokenPair),
                new(400, "No refresh token was sent.", Failure(ApiErrors.MissingRefreshToken.Message)),
                InvalidRefresh,
                CsrfMismatch,
                RateLimited,
            ]),
        ["RevokeTokens"] = new(
            typeof(RefreshRequestBody),
            RequestRequired: false,
            "The refresh token whose family to revoke, sent like a refresh.",
            $$"""{"refresh_token": "{{RefreshToken}}"}""",
            typeof(Envelope<object>),
            [
                new(200, "The family is revoked and the refresh cookie expired; unknown and expired tokens get 200 too (RFC 7009 section 2.2).", """{"data": null, "msg": ""}"""),
                new(400, "The body is not JSON.", Failure(ApiErrors.MalformedJson.Message)),
                new(401, "The Authorization header does not hold a Bearer token.", Failure(ApiErrors.InvalidRefreshToken.Message)),
                CsrfMismatch,
                RateLimited,
            ]),
        ["GetMe"] = new(
            null,
            RequestRequired: false,
            null,
            null,
            typeof(Envelope<MeData>),
            [
                new(200, "Who the access token in 'Authorization: Bearer' is for.",
                    """{"data": {"account_id": 1, "email": "user@mail.com", "env": "production", "key_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "expires_at": "2026-01-01T12:00:00Z"}, "msg": ""}"""),
                new(400, "The access token was sent in the query string.",
                    Failure("access tokens are not accepted in the query string: send Authorization: Bearer")),
                new(401, "The access token is missing, expired, tampered with, a refresh token, or its key or family was revoked.",
                    Failure("invalid access token: the token expired")),
            ]),
    };

    private static string Failure(string message) =>
        new JsonObject { ["data"] = null, ["msg"] = message }.ToJsonString();
}
