using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Tokens;

namespace Cloudsign.Auth.Benchmarks;

/// <summary>The steps of the token, refresh and resource requests, each on its own.</summary>
public class HotPathBenchmarks
{
    private BenchmarkHost _host = null!;

    private TokenIssuer _issuer = null!;

    private TokenValidator _validator = null!;

    private KeyCredential _key = null!;

    private IssuedTokens _tokens = null!;

    private readonly ArrayBufferWriter<byte> _buffer = new(2048);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _host = await BenchmarkHost.StartAsync();
        _issuer = _host.Services.GetRequiredService<TokenIssuer>();
        _validator = _host.Services.GetRequiredService<TokenValidator>();
        _key = await KeyLookupAsync();
        _tokens = TokenPairCreation();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _host.DisposeAsync();

    /// <summary>One token request's key lookup: a request scope, the compiled read by the secret's hash, the checks.</summary>
    [Benchmark]
    public async Task<KeyCredential> KeyLookupAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var authenticator = scope.ServiceProvider.GetRequiredService<ApiKeyAuthenticator>();
        return await authenticator.AuthenticateAsync(BenchmarkHost.Environment, BenchmarkHost.Email, _host.ClientId, CancellationToken.None);
    }

    /// <summary>Both ES256 signatures of a new pair.</summary>
    [Benchmark]
    public IssuedTokens TokenPairCreation() =>
        _issuer.Issue(
            new TokenSubject(_key.AccountId, _key.KeyId, _key.Environment),
            new TokenFamily(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(90)),
            withCsrf: false);

    [Benchmark]
    public Task<TokenValidation> RefreshTokenValidationAsync() => _validator.ValidateAsync(_tokens.RefreshToken, TokenKind.Refresh);

    [Benchmark]
    public Task<TokenValidation> AccessTokenValidationAsync() => _validator.ValidateAsync(_tokens.AccessToken, TokenKind.Access);

    /// <summary>The token response's envelope, by the source-generated serializer the endpoints use.</summary>
    [Benchmark]
    public int EnvelopeWriting()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        var data = new TokenPairData(_tokens.AccessToken, "3600", _tokens.RefreshToken, "Bearer", null);
        JsonSerializer.Serialize(writer, Envelope.Success(data), CloudsignJsonContext.Default.EnvelopeTokenPairData);
        return _buffer.WrittenCount;
    }
}
