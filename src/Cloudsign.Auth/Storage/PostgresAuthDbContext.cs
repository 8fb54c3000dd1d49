using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// The PostgreSQL flavor of <see cref="AuthDbContext"/>, with its own migrations. Instants are
/// <c>timestamp with time zone</c> columns. Npgsql writes those only from UTC values, and every
/// instant the service stores comes from a UTC clock.
/// </summary>
public sealed class PostgresAuthDbContext(DbContextOptions<PostgresAuthDbContext> options) : AuthDbContext(options);

/// <summary>Creates the context for <c>dotnet ef migrations add</c>; no database is contacted.</summary>
internal sealed class PostgresAuthDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresAuthDbContext>
{
    public PostgresAuthDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAuthDbContext>().UseNpgsql("Host=127.0.0.1;Database=cloudsign_design").Options);
}
