using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Signing;

namespace Cloudsign.Auth.Cli;

public sealed record AccountOutput(
    [property: JsonPropertyName("account_id")] long AccountId,
    [property: JsonPropertyName("email")] string Email);

public sealed record ApiKeyOutput(
    [property: JsonPropertyName("key_id")] Guid KeyId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("env")] string Environment,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("secret_last4")] string SecretLast4,
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("allowed_origins")] IReadOnlyList<string> AllowedOrigins,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("expires_at")] string ExpiresAt,
    [property: JsonPropertyName("last_used_at")] string? LastUsedAt,
    [property: JsonPropertyName("revoked_at")] string? RevokedAt)
{
    public static ApiKeyOutput From(ApiKey key, DateTimeOffset now) => new(
        key.Id, key.Name, key.Environment, key.StatusAt(now).ToString().ToLowerInvariant(), key.SecretLast4,
        key.Delivery.ToString().ToLowerInvariant(), key.AllowedOrigins,
        CliOutput.Time(key.CreatedAt), CliOutput.Time(key.ExpiresAt),
        CliOutput.Time(key.LastUsedAt), CliOutput.Time(key.RevokedAt));
}

/// <summary>The output of <c>keys create</c>: the key and, this once, its secret as <c>client_id</c>.</summary>
public sealed record CreatedApiKeyOutput(
    [property: JsonPropertyName("key_id")] Guid KeyId,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("env")] string Environment,
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("allowed_origins")] IReadOnlyList<string> AllowedOrigins,
    [property: JsonPropertyName("expires_at")] string ExpiresAt);

public sealed record SigningKeyOutput(
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("active_from")] string ActiveFrom,
    [property: JsonPropertyName("retired_at")] string? RetiredAt)
{
    public static SigningKeyOutput From(SigningKey key, DateTimeOffset now) => new(
        key.Id, key.Algorithm,
        key.ActiveFrom > now ? "published" : key.RetiredAt is { } retired && retired <= now ? "retired" : "signing",
        CliOutput.Time(key.CreatedAt), CliOutput.Time(key.ActiveFrom), CliOutput.Time(key.RetiredAt));
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AccountOutput))]
[JsonSerializable(typeof(CreatedApiKeyOutput))]
[JsonSerializable(typeof(ApiKeyOutput))]
[JsonSerializable(typeof(List<ApiKeyOutput>))]
[JsonSerializable(typeof(SigningKeyOutput))]
[JsonSerializable(typeof(List<SigningKeyOutput>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>Writes command results as JSON or as aligned text.</summary>
internal static class CliOutput
{
    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? value) => value is { } time ? Time(time) : null;

    public static void Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, typeInfo));

    /// <summary>Writes <paramref name="rows"/> as columns padded to their widest cell.</summary>
    public static void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            Console.Out.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }
    }

    public static void Fields(params (string Name, string? Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length);
        foreach (var (name, value) in fields)
        {
            Console.Out.WriteLine($"{name.PadRight(width)}  {value ?? "-"}");
        }
    }
}
