using Npgsql;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Auth;

/// <summary>An account to create: the keys are the lowercased email and username that uniqueness compares.</summary>
internal sealed record NewAccount(Guid Id, string Email, string EmailKey, string Username, string UsernameKey, string PasswordDigest, string? Bio, DateTime Now);

internal enum RegisterOutcome
{
    Created,
    Taken,
}

/// <summary>Taken: which of the two names another account holds (one or both).</summary>
internal readonly record struct RegisterResult(RegisterOutcome Outcome, bool EmailTaken = false, bool UsernameTaken = false);

/// <summary>An account found by its email, with what signing in checks.</summary>
internal sealed record SignIn(MeResponse Account, string PasswordDigest);

internal enum MeOutcome
{
    Found,
    Revoked,
    AccountGone,
}

internal readonly record struct MeResult(MeOutcome Outcome, MeResponse? Account = null);

/// <summary>
/// Accounts and tokens: every statement of the Auth feature, each one round trip. Revoked tokens
/// are rows of <c>revoked_tokens</c>, kept until the token would have expired anyway; the other
/// stores put the same <c>NOT EXISTS</c> lookup into their own statements.
/// </summary>
internal sealed class AuthStore(Postgres postgres)
{
    // The expression indexes of the initial migration that make email and username unique
    // case-insensitively; a unique violation names the one it hit.
    internal const string EmailUniqueIndex = "ux_users_email_lower";
    internal const string UsernameUniqueIndex = "ux_users_username_lower";

    /// <summary>
    /// The caller's token as a one-row relation <c>(revoked)</c>: every store puts it into the
    /// statement a caller's request sends, with <c>$1</c> the token id and <c>$2</c> the caller
    /// (<see cref="CallerParameters.AddCaller"/>), and writes or reads only <c>WHERE NOT revoked</c>.
    /// </summary>
    internal const string CallerToken = "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1) AS revoked";

    private const string MeColumns = "u.id, u.username, u.bio, u.avatar_url, u.created_at, u.email, u.updated_at";

    /// <summary>
    /// Creates the account unless its email or username is taken, and says which are. A retry of
    /// this statement after its answer was lost finds the row of its own first attempt (same id)
    /// and reports it created. Two registrations racing for one name both pass the first check;
    /// the unique index stops the second, and its name tells which field.
    /// </summary>
    private const string RegisterSql = """
        WITH taken AS (
            SELECT lower(email) = $2 AS email, lower(username) = $3 AS username, id = $1 AS own
            FROM users WHERE lower(email) = $2 OR lower(username) = $3
        ), inserted AS (
            INSERT INTO users (id, email, username, password_digest, bio, created_at, updated_at)
            SELECT $1, $4, $5, $6, $7, $8, $8
            WHERE NOT EXISTS (SELECT 1 FROM taken)
            RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM inserted) OR coalesce(bool_or(own), FALSE),
               coalesce(bool_or(email), FALSE), coalesce(bool_or(username), FALSE)
        FROM taken
        """;

    public async ValueTask<RegisterResult> RegisterAsync(NewAccount account, CancellationToken cancellationToken)
    {
        try
        {
            return await postgres.RunAsync(
                RegisterSql,
                account,
                static (p, a) =>
                {
                    p.AddUuid(a.Id);
                    p.AddText(a.EmailKey);
                    p.AddText(a.UsernameKey);
                    p.AddText(a.Email);
                    p.AddText(a.Username);
                    p.AddText(a.PasswordDigest);
                    p.AddNullableText(a.Bio);
                    p.AddTime(a.Now);
                },
                static async (reader, _, ct) =>
                {
                    await reader.ReadAsync(ct);
                    return reader.GetBoolean(0)
                        ? new RegisterResult(RegisterOutcome.Created)
                        : new RegisterResult(RegisterOutcome.Taken, reader.GetBoolean(1), reader.GetBoolean(2));
                },
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new RegisterResult(RegisterOutcome.Taken, e.ConstraintName == EmailUniqueIndex, e.ConstraintName != EmailUniqueIndex);
        }
    }

    public ValueTask<SignIn?> FindByEmailAsync(string emailKey, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"SELECT {MeColumns}, u.password_digest FROM users u WHERE lower(u.email) = $1 LIMIT 1",
            emailKey,
            static (p, key) => p.AddText(key),
            static async (reader, _, ct) => await reader.ReadAsync(ct) ? new SignIn(ReadMe(reader, 0), reader.GetString(7)) : null,
            cancellationToken);

    /// <summary>The caller's own account, unless the token is revoked (one statement for both).</summary>
    public ValueTask<MeResult> MeAsync(Caller caller, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"""
            SELECT t.revoked, {MeColumns}
            FROM ({CallerToken}) t
            LEFT JOIN users u ON u.id = $2 AND NOT t.revoked
            """,
            caller,
            static (p, c) => p.AddCaller(c),
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return reader.GetBoolean(0) ? new MeResult(MeOutcome.Revoked)
                    : reader.IsDBNull(1) ? new MeResult(MeOutcome.AccountGone)
                    : new MeResult(MeOutcome.Found, ReadMe(reader, 1));
            },
            cancellationToken);

    /// <summary>
    /// Revokes the token, and sweeps the ones that have expired since, in one statement. False
    /// when the token was revoked already: a logout with a revoked token is refused like any other
    /// request. A retry that finds the row its own first attempt inserted counts as revoked now.
    /// </summary>
    public async ValueTask<bool> RevokeAsync(string tokenId, DateTime expiresAt, DateTime now, CancellationToken cancellationToken)
    {
        var revocation = new Revocation(tokenId, expiresAt, now);
        return await postgres.RunAsync(
            """
            WITH swept AS (
                DELETE FROM revoked_tokens WHERE expires_at < $3
            ), inserted AS (
                INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2)
                ON CONFLICT (jti) DO NOTHING
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,
            revocation,
            static (p, r) =>
            {
                r.Attempts++;
                p.AddText(r.TokenId);
                p.AddTime(r.ExpiresAt);
                p.AddTime(r.Now);
            },
            static async (reader, r, ct) => await reader.ReadAsync(ct) && (reader.GetBoolean(0) || r.Attempts > 1),
            cancellationToken);
    }

    /// <summary>
    /// The lookup on its own, for what sends no statement of its own: the Lambda authorizer, and
    /// an answer given before any statement (a 422, upload-url).
    /// </summary>
    public ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1)",
            tokenId,
            static (p, jti) => p.AddText(jti),
            static async (reader, _, ct) => await reader.ReadAsync(ct) && reader.GetBoolean(0),
            cancellationToken);

    private static MeResponse ReadMe(NpgsqlDataReader reader, int first) => new(
        reader.GetGuid(first),
        reader.GetString(first + 1),
        reader.GetNullableString(first + 2),
        reader.GetNullableString(first + 3),
        reader.GetDateTime(first + 4),
        reader.GetString(first + 5),
        reader.GetDateTime(first + 6));

    /// <summary>A class, not a struct: the retry's second attempt must see the first one's count.</summary>
    private sealed class Revocation(string tokenId, DateTime expiresAt, DateTime now)
    {
        public string TokenId { get; } = tokenId;
        public DateTime ExpiresAt { get; } = expiresAt;
        public DateTime Now { get; } = now;
        public int Attempts { get; set; }
    }
}
