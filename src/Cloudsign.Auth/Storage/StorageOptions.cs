using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>Where the service keeps its state (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string Sqlite = "sqlite";

    public const string PostgreSql = "postgresql";

    /// <summary>The database provider: <c>sqlite</c> (default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The provider's connection string. Default for SQLite: a file under <c>./data/</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/cloudsign-auth.db";

    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!string.Equals(options.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase) && !options.IsPostgreSql)
        {
            return ValidateOptionsResult.Fail(
                $"Storage:Provider is '{options.Provider}'; supported providers: {StorageOptions.Sqlite}, {StorageOptions.PostgreSql}.");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Storage:ConnectionString is empty; set it to the database's connection string.");
        }

        return ValidateOptionsResult.Success;
    }
}
