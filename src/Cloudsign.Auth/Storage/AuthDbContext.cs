using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// The service's database: accounts (ASP.NET Core Identity), API keys, signing keys, refresh-token
/// spends, family revocations and the Data Protection key ring. Each provider has a subclass that
/// owns its migrations.
/// </summary>
public abstract class AuthDbContext(DbContextOptions options)
    : IdentityUserContext<Account, long>(options), IDataProtectionKeyContext
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<SpentRefreshToken> SpentRefreshTokens => Set<SpentRefreshToken>();

    public DbSet<TokenFamilyRevocation> TokenFamilyRevocations => Set<TokenFamilyRevocation>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Account>(account =>
        {
            account.ToTable("accounts");

            // Identity checks uniqueness with a read; the database enforces it under concurrency.
            account.HasIndex(a => a.NormalizedEmail).IsUnique();
        });
        builder.Entity<IdentityUserClaim<long>>().ToTable("account_claims");
        builder.Entity<IdentityUserLogin<long>>().ToTable("account_logins");
        builder.Entity<IdentityUserToken<long>>().ToTable("account_tokens");

        builder.Entity<ApiKey>(key =>
        {
            key.ToTable("api_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).ValueGeneratedNever();
            key.Property(k => k.SecretHash).HasMaxLength(32);
            key.HasIndex(k => k.SecretHash).IsUnique();
            key.Property(k => k.SecretLast4).HasMaxLength(4);
            key.Property(k => k.Name).HasMaxLength(ApiKeyRules.MaxNameLength);
            key.Property(k => k.Environment).HasMaxLength(64);
            key.Property(k => k.Delivery).HasConversion<string>().HasMaxLength(16);
            key.HasIndex(k => new { k.AccountId, k.RevokedAt, k.ExpiresAt });
            key.HasOne<Account>().WithMany().HasForeignKey(k => k.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16);
        });

        builder.Entity<SpentRefreshToken>(spent =>
        {
            spent.ToTable("spent_refresh_tokens");
            spent.HasKey(s => s.Jti);
            spent.Property(s => s.Jti).ValueGeneratedNever();
            spent.HasIndex(s => s.ExpiresAt);
        });

        builder.Entity<TokenFamilyRevocation>(revocation =>
        {
            revocation.ToTable("token_family_revocations");
            revocation.HasKey(r => r.FamilyId);
            revocation.Property(r => r.FamilyId).ValueGeneratedNever();
            revocation.Property(r => r.Reason).HasMaxLength(32);
            revocation.HasIndex(r => r.ExpiresAt);
        });

        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("audit_events");
            audit.HasKey(e => e.Id);
            audit.Property(e => e.ClientAddress).HasMaxLength(64);
            audit.Property(e => e.EventType).HasMaxLength(32);
            audit.Property(e => e.Outcome).HasMaxLength(64);
            audit.HasIndex(e => e.AccountId);
            audit.HasIndex(e => e.ApiKeyId);
        });
    }
}
