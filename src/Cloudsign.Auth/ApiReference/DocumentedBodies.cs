using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Cloudsign.Auth.ApiReference;

/// <summary>The body of the token request as the OpenAPI document describes it; the endpoint parses the raw JSON itself.</summary>
internal sealed record AccessTokenRequestBody(
    [property: JsonPropertyName("env"), Required, Description("One of the configured environments, such as production.")] string Env,
    [property: JsonPropertyName("email"), Required, Description("The email address of the key's owner.")] string Email,
    [property: JsonPropertyName("client_id"), Required, Description("The API key's secret, shown once when the key was created.")] string ClientId);

/// <summary>The JSON body form of a refresh or revoke request.</summary>
internal sealed record RefreshRequestBody(
    [property: JsonPropertyName("refresh_token"), Description("A refresh token; it may instead come in 'Authorization: Bearer' or the refresh cookie.")] string? RefreshToken);
