using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Data;

/// <summary>
/// Statements written in SQL, run on the context's own pooled connection and under its execution
/// strategy (so they are retried as EF's queries are) and read straight off Npgsql. Used for what
/// LINQ cannot say (a row and its counter in one statement, keyset row comparisons, a literal
/// LIMIT) and in place of <c>SqlQuery</c>: EF Core's query precompiler cannot take raw SQL with
/// parameters, and nothing here is compiled at run time, so it runs in the Native AOT build too.
/// </summary>
internal static class HandWrittenSql
{
    /// <summary>
    /// Runs <paramref name="sql"/> (positional parameters <c>$1</c>, <c>$2</c>...) and reads each row
    /// with <paramref name="read"/>. A pending <paramref name="revocation"/> lookup goes in the same
    /// round trip (see <see cref="DeferredRevocationCheck"/>).
    /// </summary>
    public static Task<List<T>> QueryAsync<T>(
        this SocialDbContext db, string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken, DeferredRevocationCheck? revocation = null, int expectedRows = 1)
    {
        var pending = revocation is { Revoked: null } ? revocation : null;
        return db.ExecutionStrategy.ExecuteAsync(
            cancellationToken => ReadAsync(db, sql, parameters, read, pending, expectedRows, cancellationToken), cancellationToken);
    }

    private static async Task<List<T>> ReadAsync<T>(
        SocialDbContext db, string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read,
        DeferredRevocationCheck? pending, int expectedRows, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            await using var reader = await DeferredRevocationCheck.ExecuteReaderAsync(
                pending, (NpgsqlConnection)db.Database.GetDbConnection(), transaction, sql, parameters, 0, cancellationToken);
            var rows = new List<T>(expectedRows);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// After a unique violation on an INSERT under <paramref name="id"/>, an id this request made
    /// itself: the execution strategy retries a statement whose answer was lost with its connection,
    /// even when PostgreSQL had committed it, and the retry then meets the row of its own first
    /// attempt. Returns that row's author (username, avatar), or no rows when the conflict was
    /// another row's.
    /// </summary>
    public static Task<List<T>> AuthorOfOwnRowAsync<T>(
        this SocialDbContext db, OwnRow table, Guid id, Guid userId, Func<string, string?, T> author, CancellationToken cancellationToken) =>
        db.QueryAsync(
            table switch
            {
                OwnRow.Post => "SELECT u.username, u.avatar_url FROM posts r JOIN users u ON u.id = r.user_id WHERE r.id = $1 AND r.user_id = $2",
                OwnRow.Comment => "SELECT u.username, u.avatar_url FROM comments r JOIN users u ON u.id = r.user_id WHERE r.id = $1 AND r.user_id = $2",
                _ => throw new ArgumentOutOfRangeException(nameof(table)),
            },
            [Uuid(id), Uuid(userId)],
            r => author(r.GetString(0), r.GetNullableString(1)),
            cancellationToken);

    /// <summary>A keyset page of one post's rows: <c>$1</c> the post and, after a cursor, <c>$2</c>, <c>$3</c> its (created_at, id).</summary>
    public static NpgsqlParameter[] PostPage(Guid postId, PageRequest page) => page.After is { } after
        ? [Uuid(postId), Time(after.CreatedAt), Uuid(after.Id)]
        : [Uuid(postId)];

    public static NpgsqlParameter Uuid(Guid value) => new NpgsqlParameter<Guid> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    public static NpgsqlParameter Uuid(Guid? value) => new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Time(DateTime value) => new NpgsqlParameter<DateTime> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

/// <summary>The tables whose new rows <see cref="HandWrittenSql.AuthorOfOwnRowAsync"/> looks up.</summary>
internal enum OwnRow
{
    Post,
    Comment,
}
