using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// A statement prepared once on a connection's SQLite handle, bound by number ($1, $2 …) and run
/// through SQLitePCLRaw, the library under Microsoft.Data.Sqlite. Microsoft.Data.Sqlite looks up
/// each named parameter and creates a binder and a reader on every run: 1.8 µs of a 5.7 µs insert.
/// Values follow the migrations' SQLite schema: Guids as upper-case text, instants as the integers
/// of DateTimeOffsetToBinaryConverter.
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private static readonly DateTimeOffsetToBinaryConverter Instants = new();

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    // SQLite takes "$1" as a name and numbers parameters by first appearance. This maps $N to
    // SQLite's index, so that $1 is the first value, as on PostgreSQL.
    private readonly int[] _indexOf;

    private SqliteStatement(sqlite3 database, sqlite3_stmt statement)
    {
        _database = database;
        _statement = statement;
        var count = raw.sqlite3_bind_parameter_count(statement);
        _indexOf = new int[count + 1];
        for (var index = 1; index <= count; index++)
        {
            var name = raw.sqlite3_bind_parameter_name(statement, index).utf8_to_string();
            if (name is null || name.Length < 2 || name[0] != '$' || !int.TryParse(name.AsSpan(1), out var number)
                || number < 1 || number > count)
            {
                statement.Dispose();
                throw new ArgumentException($"SQLite parameter '{name}' is not one of $1 to ${count}.", nameof(statement));
            }

            _indexOf[number] = index;
        }
    }

    /// <summary>Prepares <paramref name="sql"/> on the open <paramref name="connection"/>.</summary>
    public static SqliteStatement Prepare(SqliteConnection connection, string sql)
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(database, sql, out var statement), database);
        return new SqliteStatement(database, statement);
    }

    /// <summary>The number of rows that the connection's latest insert, update or delete changed.</summary>
    public int Changes => raw.sqlite3_changes(_database);

    public void Bind(int index, long? value)
    {
        if (value is { } number)
        {
            raw.sqlite3_bind_int64(_statement, _indexOf[index], number);
        }
        else
        {
            raw.sqlite3_bind_null(_statement, _indexOf[index]);
        }
    }

    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(_statement, _indexOf[index]);
        }
        else
        {
            raw.sqlite3_bind_text(_statement, _indexOf[index], value);
        }
    }

    public void Bind(int index, byte[] value) => raw.sqlite3_bind_blob(_statement, _indexOf[index], value);

    public void Bind(int index, DateTimeOffset value) => Bind(index, (long?)Instants.ConvertToProvider(value));

    public void Bind(int index, Guid? value)
    {
        if (value is not { } id)
        {
            raw.sqlite3_bind_null(_statement, _indexOf[index]);
            return;
        }

        Span<byte> text = stackalloc byte[36];
        id.TryFormat(text, out _, "D");
        Ascii.ToUpperInPlace(text, out _);
        raw.sqlite3_bind_text(_statement, _indexOf[index], text);
    }

    /// <summary>Runs a statement that returns no row.</summary>
    public void Execute()
    {
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }

    /// <summary>Runs a query and maps its first row, or returns <c>null</c> when it has none.</summary>
    public T? ReadFirst<T>(Func<SqliteStatement, T> map)
        where T : class
    {
        try
        {
            var result = raw.sqlite3_step(_statement);
            if (result == raw.SQLITE_ROW)
            {
                return map(this);
            }

            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }

            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public bool GetBoolean(int column) => raw.sqlite3_column_int64(_statement, column) != 0;

    public string GetString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public byte[] GetBytes(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    public DateTimeOffset GetInstant(int column) => (DateTimeOffset)Instants.ConvertFromProvider(GetInt64(column))!;

    public void Dispose() => _statement.Dispose();
}
