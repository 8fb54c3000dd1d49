namespace Cloudsign.Auth.Storage;

/// <summary>
/// The scope's <see cref="AuthDbContext"/>, rented from the pool on first use. The token and
/// <c>/api/v1/me</c> requests read through <see cref="SqliteHotReads"/> or
/// <see cref="PostgresHotReads"/> and never use EF Core, so services on their path take this in
/// place of the context and skip renting and returning one.
/// </summary>
public sealed class LazyAuthDbContext(IServiceProvider services)
{
    /// <summary>The scope's context; the first call rents it.</summary>
    public AuthDbContext Value => field ??= services.GetRequiredService<AuthDbContext>();
}
