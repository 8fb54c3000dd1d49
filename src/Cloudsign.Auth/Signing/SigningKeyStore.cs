using System.Security.Cryptography;
using System.Text.Json;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Signing;

/// <summary>
/// Creates, rotates and loads the signing keys kept in the database. ES256 private keys are
/// stored protected by ASP.NET Core Data Protection, whose key ring is in the same database, so
/// every node can open them. In HS256 mode the one key comes from configuration.
/// </summary>
public sealed partial class SigningKeyStore(
    AuthDbContext db,
    TimeProvider time,
    IDataProtectionProvider dataProtection,
    IOptions<TokenOptions> tokenOptions,
    IOptions<SigningOptions> signingOptions,
    ILogger<SigningKeyStore> logger)
{
    private const string ProtectorPurpose = "Cloudsign.Auth.Signing.PrivateKey.v1";

    // An arbitrary constant that names the signing-key lock among PostgreSQL advisory locks.
    private const long SigningKeyLockId = 0x436C6F75_64534B31;

    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectorPurpose);

    private bool IsHmac => tokenOptions.Value.SigningAlgorithm == TokenOptions.Hs256;

    /// <summary>Creates a first ES256 key, active at once, when no key signs now.</summary>
    public async Task EnsureActiveKeyAsync(CancellationToken cancellationToken)
    {
        if (IsHmac)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (await HasSignerAsync(now, cancellationToken))
        {
            return;
        }

        // Nothing was signed before this key, so it may sign at once without being published ahead.
        // The key is made before the transaction: protecting it may write the Data Protection key
        // ring, which needs the database lock that the transaction would hold.
        var key = CreateKey(now, now);
        await using var transaction = await BeginExclusiveAsync(cancellationToken);

        // Read the clock again under the lock: a key that another node made while this one waited
        // became active after the first reading, and must count.
        if (await HasSignerAsync(time.GetUtcNow(), cancellationToken))
        {
            return;
        }

        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogKeyCreated(logger, key.Id, key.ActiveFrom);
    }

    private Task<bool> HasSignerAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        db.SigningKeys.AnyAsync(
            k => k.Algorithm == TokenOptions.Es256 && k.ActiveFrom <= now && (k.RetiredAt == null || k.RetiredAt > now),
            cancellationToken);

    /// <summary>
    /// Makes a new key that is published now and signs from <c>now + Signing:PublishAhead</c>, or from
    /// now when <paramref name="immediately"/>; the keys it replaces stop signing then and stay
    /// published until every token they signed has expired.
    /// </summary>
    public async Task<SigningKey> RotateAsync(bool immediately, CancellationToken cancellationToken)
    {
        if (IsHmac)
        {
            throw new ApiErrorException(new ApiError("hmac_rotation", StatusCodes.Status400BadRequest,
                "HS256 keys come from Tokens:HmacSecret; rotate by changing that setting on every node."));
        }

        var now = time.GetUtcNow();
        var activeFrom = immediately ? now : now + signingOptions.Value.PublishAhead;

        var key = CreateKey(now, activeFrom);
        await using var transaction = await BeginExclusiveAsync(cancellationToken);
        await ReplaceAsync(key, activeFrom, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogKeyRotated(logger, key.Id, key.ActiveFrom);
        return key;
    }

    /// <summary>
    /// Rotates when the newest key is at least <c>Signing:RotationInterval</c> old. The age is checked
    /// again under the signing-key lock, so when several nodes find the rotation due at once exactly
    /// one rotates and the others see its new key. Returns the new key, or <c>null</c> when none was due.
    /// </summary>
    public async Task<SigningKey?> RotateIfDueAsync(CancellationToken cancellationToken)
    {
        if (IsHmac)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var activeFrom = now + signingOptions.Value.PublishAhead;
        var key = CreateKey(now, activeFrom);
        await using var transaction = await BeginExclusiveAsync(cancellationToken);
        if (await LatestCreationAsync(cancellationToken) is not { } latest || latest + signingOptions.Value.RotationInterval > now)
        {
            return null;
        }

        await ReplaceAsync(key, activeFrom, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogKeyRotated(logger, key.Id, key.ActiveFrom);
        return key;
    }

    // Retires every key that would sign at activeFrom and adds the one that replaces them.
    private async Task ReplaceAsync(SigningKey key, DateTimeOffset activeFrom, CancellationToken cancellationToken)
    {
        await db.SigningKeys
            .Where(k => k.RetiredAt == null && k.ActiveFrom < activeFrom)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, activeFrom), cancellationToken);
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Begins a transaction that holds the signing-key lock until it ends, so that key creation and
    /// rotation run one at a time across every node. On PostgreSQL that is a transaction-level
    /// advisory lock; a SQLite transaction takes the database's write lock when it begins.
    /// </summary>
    private async Task<IDbContextTransaction> BeginExclusiveAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SigningKeyLockId})", cancellationToken);
        }

        return transaction;
    }

    /// <summary>Returns when the newest key was created, or <c>null</c> when there is none.</summary>
    public async Task<DateTimeOffset?> LatestCreationAsync(CancellationToken cancellationToken)
    {
        var keys = await db.SigningKeys.AsNoTracking().Select(k => k.CreatedAt).ToListAsync(cancellationToken);
        return keys.Count == 0 ? null : keys.Max();
    }

    /// <summary>Lists the stored keys, newest activation first.</summary>
    public async Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        return keys.OrderByDescending(k => k.ActiveFrom).ToList();
    }

    /// <summary>
    /// Reads the keys that are still published (a retired key stays published until the longest-lived
    /// token it may have signed has expired) and opens the private keys of those that may sign.
    /// </summary>
    public async Task<KeyRingSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        if (IsHmac)
        {
            return LoadHmac();
        }

        var now = time.GetUtcNow();
        var tokens = tokenOptions.Value;
        var publishedAfterRetirement = tokens.RefreshTokenLifetime + tokens.ClockSkew;
        var stored = await db.SigningKeys.AsNoTracking()
            .Where(k => k.Algorithm == TokenOptions.Es256)
            .ToListAsync(cancellationToken);

        List<Signer> signers = [];
        Dictionary<string, SecurityKey> validationKeys = new(StringComparer.Ordinal);
        List<PublicJsonWebKey> published = [];
        foreach (var key in stored.OrderByDescending(k => k.ActiveFrom))
        {
            if (key.RetiredAt is { } retiredAt && retiredAt + publishedAfterRetirement <= now)
            {
                continue;
            }

            var jwk = JsonSerializer.Deserialize(key.PublicJwk, CloudsignJsonContext.Default.PublicJsonWebKey)
                ?? throw new InvalidOperationException($"Signing key {key.Id} has an unreadable public JWK.");
            var publicKey = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
            });
            validationKeys[key.Id] = new ECDsaSecurityKey(publicKey) { KeyId = key.Id };
            published.Add(jwk);

            if (key.RetiredAt is null || key.RetiredAt > now)
            {
                var privateKey = ECDsa.Create();
                privateKey.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(key.ProtectedPrivateKey)), out _);
                var credentials = new SigningCredentials(new ECDsaSecurityKey(privateKey) { KeyId = key.Id }, SecurityAlgorithms.EcdsaSha256);
                signers.Add(new Signer(key.Id, key.ActiveFrom, credentials));
            }
        }

        return new KeyRingSnapshot(TokenOptions.Es256, signers, validationKeys, new JsonWebKeySetDocument(published));
    }

    private KeyRingSnapshot LoadHmac()
    {
        var secret = tokenOptions.Value.DecodeHmacSecret()
            ?? throw new InvalidOperationException("Tokens:HmacSecret is not valid base64.");

        // The kid names the secret without revealing it, so a changed secret gets a new kid.
        var keyId = "hs256-" + Base64UrlEncoder.Encode(SHA256.HashData(secret).AsSpan(0, 9).ToArray());
        var key = new SymmetricSecurityKey(secret) { KeyId = keyId };
        var signer = new Signer(keyId, DateTimeOffset.MinValue, new SigningCredentials(key, SecurityAlgorithms.HmacSha256));

        // A shared secret is never published.
        return new KeyRingSnapshot(TokenOptions.Hs256, [signer], new Dictionary<string, SecurityKey> { [keyId] = key }, new([]));
    }

    private SigningKey CreateKey(DateTimeOffset now, DateTimeOffset activeFrom)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        var x = Base64UrlEncoder.Encode(parameters.Q.X);
        var y = Base64UrlEncoder.Encode(parameters.Q.Y);
        var keyId = Thumbprint(x, y);
        var jwk = new PublicJsonWebKey("EC", "sig", TokenOptions.Es256, keyId, "P-256", x, y);

        return new SigningKey
        {
            Id = keyId,
            Algorithm = TokenOptions.Es256,
            PublicJwk = JsonSerializer.Serialize(jwk, CloudsignJsonContext.Default.PublicJsonWebKey),
            ProtectedPrivateKey = _protector.Protect(Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
            ActiveFrom = activeFrom,
        };
    }

    // The kid is the key's RFC 7638 thumbprint, so it names exactly one public key.
    private static string Thumbprint(string x, string y) =>
        Base64UrlEncoder.Encode(new JsonWebKey { Kty = "EC", Crv = "P-256", X = x, Y = y }.ComputeJwkThumbprint());

    [LoggerMessage(EventId = 4001, EventName = "SigningKeyCreated", Level = LogLevel.Information,
        Message = "Created signing key {KeyId}, signing from {ActiveFrom:O}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, DateTimeOffset activeFrom);

    [LoggerMessage(EventId = 4002, EventName = "SigningKeyRotated", Level = LogLevel.Information,
        Message = "Rotated signing keys: {KeyId} is published now and signs from {ActiveFrom:O}")]
    private static partial void LogKeyRotated(ILogger logger, string keyId, DateTimeOffset activeFrom);
}
