using System.Security.Cryptography;
using System.Text;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Fuzz;

/// <summary>A fuzz target: code that must end every input with a result or a 4XX <see cref="ApiErrorException"/>.</summary>
internal sealed record FuzzTarget(Action<byte[]> Run, Func<IEnumerable<byte[]>> Seeds);

/// <summary>
/// The fuzz targets. Any exception other than an <see cref="ApiErrorException"/> with a 4XX status
/// escapes the target, so AFL++ records the input as a crash.
/// </summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["token-request"] = new(RunTokenRequest, TokenRequestSeeds),
        ["refresh-reader"] = new(RunRefreshReader, RefreshReaderSeeds),
        ["token-validator"] = new(RunTokenValidator, TokenValidatorSeeds),
    };

    // AccessTokenRequest.Parse and JsonStringFields.Read on an arbitrary body.
    private static void RunTokenRequest(byte[] input) =>
        ExpectClientError(() => AccessTokenRequest.Parse(input, Defaults.Environments));

    // RefreshTokenReader on an arbitrary header, body or cookie: the first byte picks where the rest goes.
    private static void RunRefreshReader(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var context = new DefaultHttpContext();
        var request = context.Request;
        var rest = input.AsSpan(1).ToArray();
        switch (input[0] % 3)
        {
            case 0:
                request.Headers.Authorization = Encoding.Latin1.GetString(rest);
                break;
            case 1:
                request.ContentType = "application/json";
                request.ContentLength = rest.Length;
                request.Body = new MemoryStream(rest);
                break;
            default:
                request.Headers.Cookie = Encoding.Latin1.GetString(rest);
                break;
        }

        ExpectClientError(() => RefreshTokenReader.ReadAsync(request, CancellationToken.None).GetAwaiter().GetResult());
    }

    // TokenValidator on an arbitrary string, as each kind of token; it returns a failure, never throws.
    private static void RunTokenValidator(byte[] input)
    {
        var token = Encoding.UTF8.GetString(input);
        var validator = FuzzKeys.Validator;
        validator.ValidateAsync(token, TokenKind.Access).GetAwaiter().GetResult();
        validator.ValidateAsync(token, TokenKind.Refresh).GetAwaiter().GetResult();
        validator.ValidateAsync(token, TokenKind.Refresh, ignoreLifetime: true).GetAwaiter().GetResult();
    }

    private static void ExpectClientError(Action action)
    {
        try
        {
            action();
        }
        catch (ApiErrorException exception) when (exception.Error.Status is >= 400 and < 500)
        {
            // A 4XX is the expected outcome of bad input.
        }
    }

    private static IEnumerable<byte[]> TokenRequestSeeds()
    {
        string[] bodies =
        [
            """{"env": "production", "email": "user@mail.com", "client_id": "6a49724d-e0a0-4281-87ec-ff93504ee856"}""",
            """{"env":"sandbox","email":"User@Mail.Com","client_id":"x","extra":[1,{"a":null}]}""",
            """{"env": null, "email": 1, "client_id": true}""",
            """{"env":"production","env":"sandbox"}""",
            """{"email":"\u00e9\ud83d\ude00@mail.com","client_id":"\\u0041"}""",
            "[]",
            "{}",
        ];
        return bodies.Select(Encoding.UTF8.GetBytes);
    }

    private static IEnumerable<byte[]> RefreshReaderSeeds()
    {
        var (_, refresh) = FuzzKeys.IssuePair();
        yield return [0, .. Encoding.ASCII.GetBytes("Bearer " + refresh)];
        yield return [1, .. Encoding.UTF8.GetBytes($$"""{"refresh_token": "{{refresh}}"}""")];
        yield return [1, .. "{\"refresh_token\": null, \"other\": {\"a\": [1, 2]}}"u8.ToArray()];
        yield return [2, .. Encoding.ASCII.GetBytes($"{RefreshCookie.Name}={refresh}; other=1")];
    }

    private static IEnumerable<byte[]> TokenValidatorSeeds()
    {
        var (access, refresh) = FuzzKeys.IssuePair();
        yield return Encoding.ASCII.GetBytes(access);
        yield return Encoding.ASCII.GetBytes(refresh);
        yield return "eyJhbGciOiJub25lIn0.e30."u8.ToArray();
        yield return "a.b.c.d.e"u8.ToArray();
    }
}

/// <summary>
/// Objects of the instrumented assemblies, made on first use: instrumented code may run only
/// inside the fuzzer loop, so nothing of it runs in a static constructor that Main triggers.
/// </summary>
internal static class Defaults
{
    public static readonly EnvironmentOptions Environments = new();
}

/// <summary>
/// A fixed ES256 key and clock, so that seed tokens written by one process validate in the next.
/// The key protects nothing: it exists only in this harness.
/// </summary>
internal static class FuzzKeys
{
    private const string KeyId = "fuzz-key";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly SigningKeyRing Ring = CreateRing();

    private static readonly IOptions<TokenOptions> Options = Microsoft.Extensions.Options.Options.Create(new TokenOptions());

    public static readonly TokenValidator Validator = new(
        Ring, new FixedTime(Now), Options, Microsoft.Extensions.Options.Options.Create(new EnvironmentOptions()));

    public static (string Access, string Refresh) IssuePair()
    {
        var issuer = new TokenIssuer(Ring, new FixedTime(Now), Options);
        var subject = new TokenSubject(1, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "production");
        var tokens = issuer.Issue(subject, new TokenFamily(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), Now.AddDays(90)), withCsrf: true);
        return (tokens.AccessToken, tokens.RefreshToken);
    }

    private static SigningKeyRing CreateRing()
    {
        var privateKey = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = SHA256.HashData("cloudsign-auth fuzzing key"u8),
        });
        var publicKey = ECDsa.Create(privateKey.ExportParameters(includePrivateParameters: false));
        var credentials = new SigningCredentials(new ECDsaSecurityKey(privateKey) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256);
        var ring = new SigningKeyRing();
        ring.Replace(new KeyRingSnapshot(
            TokenOptions.Es256,
            [new Signer(KeyId, DateTimeOffset.MinValue, credentials)],
            new Dictionary<string, SecurityKey> { [KeyId] = new ECDsaSecurityKey(publicKey) { KeyId = KeyId } },
            new JsonWebKeySetDocument([])));
        return ring;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
