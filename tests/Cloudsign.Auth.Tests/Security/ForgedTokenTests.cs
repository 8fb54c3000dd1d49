using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>Forged and confused tokens: each must be rejected by the signature, algorithm or header checks.</summary>
public sealed class ForgedTokenTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<TokenPair> IssueAsync() => await CloudsignFactory.IssueAsync(_client, await factory.CreateKeyAsync());

    private async Task<string> MeFailureAsync(string token)
    {
        using var response = await _client.SendAsync(TokenForge.Me(token));
        return await TokenForge.AssertInvalidAccessTokenAsync(response);
    }

    // RFC 8725 §3.1, §2.1: "none" is never accepted, in any letter case, with or without a signature.
    [Theory]
    [InlineData("none", false)]
    [InlineData("None", false)]
    [InlineData("NONE", false)]
    [InlineData("nOnE", false)]
    [InlineData("NoNe", true)]
    [InlineData("none", true)]
    public async Task AlgNone_AnyCase_IsRejected(string algorithm, bool keepSignature)
    {
        var pair = await IssueAsync();
        var header = Jwt.Header(pair.AccessToken);
        header["alg"] = algorithm;
        var parts = pair.AccessToken.Split('.');
        var token = $"{TokenForge.Encode(header)}.{parts[1]}.{(keepSignature ? parts[2] : "")}";

        var refreshHeader = Jwt.Header(pair.RefreshToken!);
        refreshHeader["alg"] = algorithm;
        var refreshParts = pair.RefreshToken!.Split('.');
        var refreshToken = $"{TokenForge.Encode(refreshHeader)}.{refreshParts[1]}.";

        Assert.Equal("the token's signature is invalid", await MeFailureAsync(token));
        using var refresh = await _client.SendAsync(TokenForge.Refresh(refreshToken));
        await TokenForge.AssertInvalidRefreshTokenAsync(refresh);
    }

    public static TheoryData<string, string> HmacConfusionCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var algorithm in new[] { "HS256", "HS384", "HS512" })
        {
            foreach (var form in new[] { "jwk", "raw-xy", "point-04xy", "spki-der", "pem" })
            {
                foreach (var wrapping in new[] { "bytes", "base64", "base64url" })
                {
                    data.Add(algorithm, $"{form}/{wrapping}");
                }
            }
        }

        return data;
    }

    // RFC 8725 §3.1, §2.1: an HMAC signed with the published public key, in any encoding, is not a valid signature.
    [Theory]
    [MemberData(nameof(HmacConfusionCases))]
    public async Task HmacWithPublicKey_AnyEncoding_IsRejected(string algorithm, string encoding)
    {
        var pair = await IssueAsync();
        var secret = await PublicKeyAsHmacSecretAsync(encoding);
        var header = Jwt.Header(pair.AccessToken);
        header["alg"] = algorithm;
        var token = TokenForge.Sign(header.ToJsonString(), Jwt.PayloadText(pair.AccessToken), input => Hmac(algorithm, secret, input));

        Assert.Equal("the token's signature is invalid", await MeFailureAsync(token));
    }

    // RFC 8725 §3.1: each kid is bound to one algorithm; a genuine ES256 signature under another alg is rejected.
    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("EdDSA")]
    [InlineData("es256")]
    public async Task Es256SignatureUnderOtherAlg_IsRejected(string algorithm)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) => header["alg"] = algorithm);

        Assert.Equal("the token's signature is invalid", await MeFailureAsync(token));
    }

    // RFC 8725 §3.10, RFC 7515 §4.1.2-§4.1.6: keys and key URLs in the header are never used, and a jku or x5u is never fetched.
    [Theory]
    [InlineData("jwk")]
    [InlineData("jku")]
    [InlineData("x5u")]
    [InlineData("x5c")]
    public async Task KeyInHeader_IsIgnoredAndNeverFetched(string parameter)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pair = await IssueAsync();

        var header = Jwt.Header(pair.AccessToken);
        var attackerJwk = AttackerJwk(attacker);
        header[parameter] = parameter switch
        {
            "jwk" => attackerJwk,
            "x5c" => new JsonArray(Convert.ToBase64String(SelfSignedCertificate(attacker))),
            _ => $"http://127.0.0.1:{port}/keys",
        };
        var withRealKid = TokenForge.Sign(header.ToJsonString(), Jwt.PayloadText(pair.AccessToken), input => attacker.SignData(input, HashAlgorithmName.SHA256));
        header["kid"] = attackerJwk["kid"]!.GetValue<string>();
        var withAttackerKid = TokenForge.Sign(header.ToJsonString(), Jwt.PayloadText(pair.AccessToken), input => attacker.SignData(input, HashAlgorithmName.SHA256));

        Assert.Equal("the token's signature is invalid", await MeFailureAsync(withRealKid));
        Assert.Equal("the token's signature is invalid", await MeFailureAsync(withAttackerKid));
        using var refresh = await _client.SendAsync(TokenForge.Refresh(withAttackerKid));
        await TokenForge.AssertInvalidRefreshTokenAsync(refresh);
        Assert.False(listener.Pending(), "the service connected to the URL in the token header");
    }

    public static TheoryData<string?> HostileKeyIds() =>
    [
        null,
        "",
        "unknown-kid",
        new string('k', 4000),
        "../../../../etc/passwd",
        "/dev/zero",
        "file:///etc/passwd",
        "' OR '1'='1",
        "x'; DROP TABLE signing_keys; --",
        "%00",
        "kid\u0000null",
    ];

    // RFC 8725 §3.10: kid only selects among known keys; a genuinely signed token with any other kid is rejected.
    [Theory]
    [MemberData(nameof(HostileKeyIds))]
    public async Task HostileKid_IsRejected(string? keyId)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) =>
        {
            if (keyId is null)
            {
                header.Remove("kid");
            }
            else
            {
                header["kid"] = keyId;
            }
        });

        Assert.Equal("the token's signature is invalid", await MeFailureAsync(token));

        // The keys are intact afterwards: the service still issues and accepts tokens.
        var next = await IssueAsync();
        using var me = await _client.SendAsync(TokenForge.Me(next.AccessToken));
        await EnvelopeAssert.SuccessAsync(me);
    }

    // RFC 8725 §3.10: a kid that is a number or an object is not a key id.
    [Fact]
    public async Task NonStringKid_IsRejected()
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) => header["kid"] = new JsonObject { ["a"] = 1 });

        await MeFailureAsync(token);
    }

    public static TheoryData<string> MalformedSignatures() =>
    [
        "empty",
        "short-63",
        "long-65",
        "long-128",
        "not-base64url",
        "padded",
        "padded-base64url",
        "der",
    ];

    // RFC 7518 §3.4, RFC 7515 §2: an ES256 signature is exactly 64 bytes, R||S, base64url without padding.
    [Theory]
    [MemberData(nameof(MalformedSignatures))]
    public async Task MalformedSignature_IsRejected(string kind)
    {
        var pair = await IssueAsync();
        var parts = pair.AccessToken.Split('.');
        var input = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var (_, key) = TokenForge.ServiceKey(factory);
        var genuine = Base64UrlEncoder.DecodeBytes(parts[2]);
        var signature = kind switch
        {
            "empty" => "",
            "short-63" => Base64UrlEncoder.Encode(genuine[..63]),
            "long-65" => Base64UrlEncoder.Encode([.. genuine, 0]),
            "long-128" => Base64UrlEncoder.Encode([.. genuine, .. genuine]),
            "not-base64url" => parts[2][..^4] + "+/@!",
            "padded" => Convert.ToBase64String(genuine),
            "padded-base64url" => parts[2] + "==",
            _ => Base64UrlEncoder.Encode(key.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
        };

        await MeFailureAsync($"{parts[0]}.{parts[1]}.{signature}");
    }

    // RFC 7515 §5.2: the signature covers every byte of the header and payload; a change anywhere fails it.
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, -1)]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    [InlineData(1, 40)]
    [InlineData(1, -1)]
    [InlineData(2, 0)]
    [InlineData(2, 31)]
    [InlineData(2, 32)]
    [InlineData(2, -1)]
    public async Task ByteChangedInAnyPart_IsRejected(int part, int position)
    {
        var pair = await IssueAsync();
        var parts = pair.AccessToken.Split('.');
        var bytes = Base64UrlEncoder.DecodeBytes(parts[part]);
        var index = position < 0 ? bytes.Length + position : position;
        bytes[index] ^= 0x01;
        parts[part] = Base64UrlEncoder.Encode(bytes);

        await MeFailureAsync(string.Join('.', parts));
    }

    // RFC 8725 §3.1: a token both expired and signed by another key is rejected, whichever check runs first.
    [Fact]
    public async Task ExpiredAndForged_IsRejected()
    {
        var pair = await IssueAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = Jwt.Payload(pair.AccessToken);
        var past = factory.Time.GetUtcNow().AddHours(-2).ToUnixTimeSeconds();
        payload["iat"] = past;
        payload["nbf"] = past;
        payload["exp"] = past + 60;
        var token = TokenForge.Sign(Jwt.Header(pair.AccessToken).ToJsonString(), payload.ToJsonString(), input => attacker.SignData(input, HashAlgorithmName.SHA256));

        await MeFailureAsync(token);
    }

    public static TheoryData<string, string> DuplicateMembers() => new()
    {
        { "payload", "type" },
        { "payload", "exp" },
        { "payload", "sub" },
        { "payload", "env" },
        { "header", "typ" },
        { "header", "kid" },
    };

    // RFC 7515 §5.2, RFC 8725 §3.11: a duplicate member is rejected, never resolved to either value.
    [Theory]
    [MemberData(nameof(DuplicateMembers))]
    public async Task DuplicateMember_IsRejected(string part, string member)
    {
        var pair = await IssueAsync();
        var headerText = Jwt.Header(pair.AccessToken).ToJsonString();
        var payloadText = Jwt.PayloadText(pair.AccessToken);
        var decoy = member switch
        {
            "type" => "\"refresh\"",
            "exp" => "1",
            "typ" => "\"JWT\"",
            _ => "\"decoy\"",
        };

        // The decoy comes first, so a parser that keeps the last member sees the genuine value.
        if (part == "payload")
        {
            payloadText = "{\"" + member + "\":" + decoy + "," + payloadText[1..];
        }
        else
        {
            headerText = "{\"" + member + "\":" + decoy + "," + headerText[1..];
        }

        var token = TokenForge.SignAsService(factory, headerText, payloadText);

        Assert.Equal("the token names a header parameter or claim more than once", await MeFailureAsync(token));
    }

    // RFC 7515 §4.1.11: a crit the service does not understand fails the token.
    [Theory]
    [InlineData("[\"exp\"]")]
    [InlineData("[\"b64\"]")]
    [InlineData("[]")]
    public async Task Crit_IsRejected(string crit)
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) =>
        {
            header["crit"] = JsonNode.Parse(crit);
            header["b64"] = true;
        });

        await MeFailureAsync(token);
    }

    // RFC 8725 §3.6: compressed payloads are not accepted.
    [Fact]
    public async Task Zip_IsRejected()
    {
        var pair = await IssueAsync();
        var token = TokenForge.ResignAsService(factory, pair.AccessToken, (header, _) => header["zip"] = "DEF");

        Assert.Equal("the token uses an unsupported header parameter", await MeFailureAsync(token));
    }

    // RFC 7516 §7.1: the service issues no JWE, so a five-part token is never accepted.
    [Theory]
    [InlineData("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")]
    [InlineData("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128CBC-HS256\",\"kid\":\"x\"}")]
    public async Task FivePartJwe_IsRejected(string header)
    {
        var encrypted = $"{TokenForge.Encode(header)}..{Base64UrlEncoder.Encode(new byte[12])}.{Base64UrlEncoder.Encode(new byte[40])}.{Base64UrlEncoder.Encode(new byte[16])}";

        await MeFailureAsync(encrypted);
        using var refresh = await _client.SendAsync(TokenForge.Refresh(encrypted));
        await TokenForge.AssertInvalidRefreshTokenAsync(refresh);
    }

    private async Task<byte[]> PublicKeyAsHmacSecretAsync(string encoding)
    {
        var jwks = await _client.GetStringAsync("/.well-known/jwks.json");
        using var document = JsonDocument.Parse(jwks);
        var jwk = document.RootElement.GetProperty("keys")[0];
        var x = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("x").GetString());
        var y = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("y").GetString());
        using var publicKey = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });

        var (form, wrapping) = (encoding.Split('/')[0], encoding.Split('/')[1]);
        byte[] bytes = form switch
        {
            "jwk" => Encoding.UTF8.GetBytes(jwk.GetRawText()),
            "raw-xy" => [.. x, .. y],
            "point-04xy" => [0x04, .. x, .. y],
            "spki-der" => publicKey.ExportSubjectPublicKeyInfo(),
            _ => Encoding.ASCII.GetBytes(publicKey.ExportSubjectPublicKeyInfoPem()),
        };
        return wrapping switch
        {
            "bytes" => bytes,
            "base64" => Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes)),
            _ => Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(bytes)),
        };
    }

    private static byte[] Hmac(string algorithm, byte[] secret, byte[] input) => algorithm switch
    {
        "HS256" => HMACSHA256.HashData(secret, input),
        "HS384" => HMACSHA384.HashData(secret, input),
        _ => HMACSHA512.HashData(secret, input),
    };

    private static JsonObject AttackerJwk(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonWebKey
        {
            Kty = "EC",
            Crv = "P-256",
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = jwk.X,
            ["y"] = jwk.Y,
            ["kid"] = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()),
        };
    }

    private static byte[] SelfSignedCertificate(ECDsa key)
    {
        var request = new CertificateRequest("CN=attacker", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.Export(X509ContentType.Cert);
    }
}
