using Npgsql;
using NpgsqlTypes;
using Polly;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Database;

/// <summary>
/// Runs the stores' statements: one command on a pooled connection of the data source, its answer
/// read straight off the <see cref="NpgsqlDataReader"/>, and the whole of it run again on a fresh
/// connection after a transient failure (<see cref="DatabaseSetup.TransientFailureRetries"/>).
/// Nothing is compiled or generated at run time, so the Native AOT build runs exactly this.
/// </summary>
internal sealed class Postgres(NpgsqlDataSource dataSource, ILogger<Postgres> logger)
{
    private readonly ResiliencePipeline _retries = DatabaseSetup.TransientFailureRetries(logger);

    /// <summary>
    /// Sends <paramref name="sql"/> (positional parameters <c>$1</c>, <c>$2</c>... added by
    /// <paramref name="bind"/>) and reads the answer with <paramref name="read"/>. Both are called
    /// again for every retry; <paramref name="args"/> carries what they need, so that static
    /// lambdas do the work and nothing is captured per request.
    /// </summary>
    public ValueTask<TResult> RunAsync<TArgs, TResult>(
        string sql,
        TArgs args,
        Action<NpgsqlParameterCollection, TArgs> bind,
        Func<NpgsqlDataReader, TArgs, CancellationToken, ValueTask<TResult>> read,
        CancellationToken cancellationToken) =>
        _retries.ExecuteAsync(
            static async (statement, cancellationToken) =>
            {
                await using var command = statement.DataSource.CreateCommand(statement.Sql);
                statement.Bind(command.Parameters, statement.Args);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await statement.Read(reader, statement.Args, cancellationToken);
            },
            new Statement<TArgs, TResult>(dataSource, sql, args, bind, read),
            cancellationToken);

    private readonly record struct Statement<TArgs, TResult>(
        NpgsqlDataSource DataSource,
        string Sql,
        TArgs Args,
        Action<NpgsqlParameterCollection, TArgs> Bind,
        Func<NpgsqlDataReader, TArgs, CancellationToken, ValueTask<TResult>> Read);
}

/// <summary>Typed parameters, so PostgreSQL never has to guess a type (a NULL included).</summary>
internal static class SqlParameters
{
    public static void AddUuid(this NpgsqlParameterCollection parameters, Guid value) =>
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid });

    public static void AddText(this NpgsqlParameterCollection parameters, string value) =>
        parameters.Add(new NpgsqlParameter<string> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text });

    public static void AddNullableText(this NpgsqlParameterCollection parameters, string? value) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value });

    public static void AddTime(this NpgsqlParameterCollection parameters, DateTime value) =>
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.TimestampTz });

    public static void AddInteger(this NpgsqlParameterCollection parameters, int value) =>
        parameters.Add(new NpgsqlParameter<int> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Integer });

    public static void AddBoolean(this NpgsqlParameterCollection parameters, bool value) =>
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Boolean });

    /// <summary>A keyset page of one post's rows: <c>$1</c> the post and, after a cursor, <c>$2</c>, <c>$3</c> its (created_at, id).</summary>
    public static void AddPostPage(this NpgsqlParameterCollection parameters, Guid postId, PageRequest page)
    {
        parameters.AddUuid(postId);
        if (page.After is { } after)
        {
            parameters.AddTime(after.CreatedAt);
            parameters.AddUuid(after.Id);
        }
    }

    public static string? GetNullableString(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
