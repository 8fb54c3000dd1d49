using Cloudsign.Auth.Storage;
using Microsoft.Data.Sqlite;

namespace Cloudsign.Auth.Tests.Storage;

public sealed class SqliteStatementTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudsign-statement-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Bind_NumbersOutOfOrder_MeanTheirNumber()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "test.db")}");
        connection.Open();
        using var statement = SqliteStatement.Prepare(connection, "SELECT $2, $1");

        statement.Bind(1, "first");
        statement.Bind(2, "second");
        var row = statement.ReadFirst(r => (First: r.GetString(0), Second: r.GetString(1)).ToString());

        Assert.Equal("(second, first)", row);
    }

    [Fact]
    public void Prepare_NamedParameter_IsRejected()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "test.db")}");
        connection.Open();

        var error = Assert.Throws<ArgumentException>(() => SqliteStatement.Prepare(connection, "SELECT $name"));

        Assert.Contains("'$name' is not one of $1 to $1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Guid_IsUpperCaseText()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "test.db")}");
        connection.Open();
        using var statement = SqliteStatement.Prepare(connection, "SELECT $1");
        var id = Guid.Parse("0b5f6a1e-9c3d-4e2f-8a7b-c6d5e4f3a2b1");

        statement.Bind(1, (Guid?)id);
        var text = statement.ReadFirst(r => r.GetString(0));

        Assert.Equal("0B5F6A1E-9C3D-4E2F-8A7B-C6D5E4F3A2B1", text);
    }
}
