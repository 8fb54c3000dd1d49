using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>Reads and alters compact JWS for tests; no signing here.</summary>
public static class Jwt
{
    public static JsonObject Header(string token) => Part(token, 0);

    public static JsonObject Payload(string token) => Part(token, 1);

    /// <summary>Returns the raw payload JSON text, to check member order.</summary>
    public static string PayloadText(string token) => Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));

    /// <summary>Replaces the header or payload and keeps the original signature.</summary>
    public static string WithPart(string token, int index, JsonObject part)
    {
        var parts = token.Split('.');
        parts[index] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(part.ToJsonString()));
        return string.Join('.', parts);
    }

    private static JsonObject Part(string token, int index) =>
        JsonNode.Parse(Base64UrlEncoder.DecodeBytes(token.Split('.')[index]))!.AsObject();

    public static long Number(JsonObject payload, string name) => payload[name]!.GetValue<long>();

    public static string Text(JsonObject payload, string name) => payload[name]!.GetValue<string>();

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
