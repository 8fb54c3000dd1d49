using System.Security.Cryptography;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.OAuth;

/// <summary>The resource servers allowed to call <c>/oauth/introspect</c> (configuration section <c>Introspection</c>).</summary>
public sealed class IntrospectionOptions
{
    public const string Section = "Introspection";

    /// <summary>The configured resource servers; none by default, which leaves introspection closed.</summary>
    public List<IntrospectionClient> Clients { get; set; } = [];
}

/// <summary>One resource server's introspection credentials.</summary>
public sealed class IntrospectionClient
{
    /// <summary>The client id the resource server authenticates with, such as <c>billing-api</c>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>
    /// The base64 SHA-256 hash of the secret's UTF-8 bytes, never the secret itself. Produce it with
    /// <c>printf %s "$SECRET" | openssl dgst -sha256 -binary | base64</c>.
    /// </summary>
    public string SecretHash { get; set; } = "";
}

/// <summary>Rejects incomplete or duplicate introspection clients at start, naming the setting.</summary>
internal sealed class IntrospectionOptionsValidator : IValidateOptions<IntrospectionOptions>
{
    public ValidateOptionsResult Validate(string? name, IntrospectionOptions options)
    {
        List<string> failures = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var setting = $"Introspection:Clients:{i}";
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                failures.Add($"{setting}:ClientId is empty; set the id the resource server authenticates with.");
            }
            else if (!seen.Add(client.ClientId))
            {
                failures.Add($"{setting}:ClientId '{client.ClientId}' appears more than once; give each resource server its own id.");
            }

            if (IntrospectionClients.DecodeHash(client.SecretHash) is null)
            {
                failures.Add($"{setting}:SecretHash must be the base64 SHA-256 hash of the secret (32 bytes), not the secret; produce it with: printf %s \"$SECRET\" | openssl dgst -sha256 -binary | base64");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Authenticates the resource servers of <see cref="IntrospectionOptions"/>: the presented secret's
/// SHA-256 hash is compared in fixed time with the configured hash, and an unknown client id costs
/// the same comparison, so timing tells nothing about which part was wrong.
/// </summary>
public sealed partial class IntrospectionClients(IOptions<IntrospectionOptions> options, ILogger<IntrospectionClients> logger)
{
    private readonly Dictionary<string, byte[]> _hashes = options.Value.Clients
        .ToDictionary(c => c.ClientId, c => DecodeHash(c.SecretHash)!, StringComparer.Ordinal);

    /// <summary>Returns the client id, or raises <see cref="OAuthErrorException"/> with <c>invalid_client</c>.</summary>
    public string Authenticate(ClientCredentials credentials)
    {
        var known = _hashes.TryGetValue(credentials.ClientId, out var stored);
        var presented = ApiKeySecret.Hash(credentials.Secret);
        if (!CryptographicOperations.FixedTimeEquals(stored ?? new byte[presented.Length], presented) || !known)
        {
            LogRejected(logger, known ? credentials.ClientId : "(unknown)");
            throw new OAuthErrorException(OAuthErrors.InvalidClient);
        }

        return credentials.ClientId;
    }

    /// <summary>Returns the 32 bytes of a base64 SHA-256 hash, or <c>null</c> when the text is not one.</summary>
    internal static byte[]? DecodeHash(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == SHA256.HashSizeInBytes
            ? buffer[..written]
            : null;
    }

    [LoggerMessage(EventId = 6101, EventName = "IntrospectionClientRejected", Level = LogLevel.Information,
        Message = "Rejected an introspection request: client authentication failed for client {ClientId}")]
    private static partial void LogRejected(ILogger logger, string clientId);
}
