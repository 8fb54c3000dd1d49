using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Signing;

/// <summary>A key the service signs with, from <see cref="ActiveFrom"/> on.</summary>
public sealed record Signer(string KeyId, DateTimeOffset ActiveFrom, SigningCredentials Credentials);

/// <summary>
/// The keys in memory: the signers, the published validation keys by <c>kid</c>, and the JWKS.
/// Replaced whole on every reload, so a request sees one consistent set.
/// </summary>
public sealed record KeyRingSnapshot(
    string Algorithm,
    IReadOnlyList<Signer> Signers,
    IReadOnlyDictionary<string, SecurityKey> ValidationKeys,
    JsonWebKeySetDocument Jwks)
{
    public static readonly KeyRingSnapshot Empty = new("", [], new Dictionary<string, SecurityKey>(), new([]));
}

/// <summary>
/// The signing and validation keys of this node, kept in memory and reloaded from the database
/// by <see cref="SigningKeyReloader"/>. Every <c>kid</c> maps to exactly one key of the one
/// configured algorithm.
/// </summary>
public sealed class SigningKeyRing
{
    private volatile KeyRingSnapshot _snapshot = KeyRingSnapshot.Empty;

    public KeyRingSnapshot Snapshot => _snapshot;

    /// <summary>Incremented on each reload, so that caches built from a snapshot know when to rebuild.</summary>
    public int Version { get; private set; }

    public void Replace(KeyRingSnapshot snapshot)
    {
        _snapshot = snapshot;
        Version++;
    }

    /// <summary>
    /// Returns the credentials that sign at <paramref name="now"/>: the newest key whose activation
    /// time has come. A key published ahead of its activation never signs early.
    /// </summary>
    public Signer CurrentSigner(DateTimeOffset now)
    {
        foreach (var signer in _snapshot.Signers)
        {
            if (signer.ActiveFrom <= now)
            {
                return signer;
            }
        }

        throw new InvalidOperationException("No signing key is active yet; the key ring has not been loaded.");
    }
}
