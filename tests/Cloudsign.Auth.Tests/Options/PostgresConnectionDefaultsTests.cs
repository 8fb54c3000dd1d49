using Cloudsign.Auth.Storage;
using Npgsql;

namespace Cloudsign.Auth.Tests.Options;

public sealed class PostgresConnectionDefaultsTests
{
    [Fact]
    public void Defaults_UnsetSettings_AreAdded()
    {
        var builder = new NpgsqlConnectionStringBuilder(
            StorageServiceCollectionExtensions.WithPostgresDefaults("Host=127.0.0.1;Port=5432;Username=cloudsign;Database=auth"));

        Assert.True(builder.NoResetOnClose);
        Assert.Equal(20, builder.MaxAutoPrepare);
        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal("auth", builder.Database);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;NoResetOnClose=false;MaxAutoPrepare=0")]
    [InlineData("host=db;no reset on close=False;max auto prepare=0")]
    public void Defaults_OperatorSettings_AreKept(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageServiceCollectionExtensions.WithPostgresDefaults(connectionString));

        Assert.False(builder.NoResetOnClose);
        Assert.Equal(0, builder.MaxAutoPrepare);
    }
}
