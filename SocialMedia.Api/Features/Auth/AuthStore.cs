using Npgsql;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Auth;

/// <summary>An account to create, as the client spelled its email and username.</summary>
internal sealed record NewAccount(Guid Id, string Email, string Username, string PasswordDigest, string? Bio, DateTime Now);

internal enum RegisterOutcome
{
    Created,
    Taken,
    Limited,
}

/// <summary>Taken: which of the two names another account holds (one or both). Limited: until when.</summary>
internal readonly record struct RegisterResult(RegisterOutcome Outcome, bool EmailTaken = false, bool UsernameTaken = false, DateTime LimitedUntil = default);

/// <summary>An account found by its email, with what signing in checks.</summary>
internal sealed record SignIn(MeResponse Account, string PasswordDigest);

/// <summary>
/// A login attempt's permits taken and its account looked up: <see cref="LimitedUntil"/> when a
/// limit refused it (and nothing was looked up), else the account, if the email has one.
/// </summary>
internal readonly record struct SignInAttempt(DateTime? LimitedUntil, SignIn? Account);

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
    /// The caller's token as a one-row relation <c>(revoked)</c>: every store puts it (or, where a
    /// plan needs the bare condition, <see cref="TokenRevoked"/>) into the statement a caller's
    /// request sends, with <c>$1</c> the token id and <c>$2</c> the caller
    /// (<see cref="CallerParameters.AddCaller"/>), and writes or reads only <c>WHERE NOT revoked</c>.
    /// </summary>
    internal const string CallerToken = $"SELECT {TokenRevoked} AS revoked";

    /// <summary>The condition inside <see cref="CallerToken"/>, for a statement that tests it where it needs it.</summary>
    internal const string TokenRevoked = "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1)";

    private const string MeColumns = "u.id, u.username, u.bio, u.avatar_url, u.created_at, u.email, u.updated_at";

    /// <summary>
    /// Takes one permit of a fixed-window counter and answers, as <c>refused_until</c>, when the
    /// window that refuses it ends (NULL: granted). The arguments are SQL expressions: the key, the
    /// limit (0: no row at all), the window's end if one opens now, and now. A window that has ended
    /// starts over at this hit. Concurrent takers of one key queue on its row, so each sees the
    /// count the ones before it left.
    /// </summary>
    private static string TakePermit(string key, string limit, string windowEndsIfNew, string now) => $"""
        INSERT INTO rate_limit_counters AS c (key, window_ends_at, hits)
        SELECT {key}, {windowEndsIfNew}, 1 WHERE {limit} > 0
        ON CONFLICT (key) DO UPDATE SET
            hits = CASE WHEN c.window_ends_at <= {now} THEN 1 ELSE c.hits + 1 END,
            window_ends_at = CASE WHEN c.window_ends_at <= {now} THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
        RETURNING CASE WHEN hits > {limit} THEN window_ends_at END AS refused_until
        """;

    /// <summary>
    /// Removes a few counters whose window has ended (not the ones this statement takes permits of),
    /// so that addresses seen once do not stay forever. SKIP LOCKED: a sweep never waits for, or
    /// blocks, a request.
    /// </summary>
    private static string SweepEndedWindows(string keptKeys, string now) => $"""
        DELETE FROM rate_limit_counters WHERE key IN (
            SELECT key FROM rate_limit_counters
            WHERE window_ends_at < {now} AND key NOT IN ({keptKeys})
            LIMIT 16 FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>
    /// Takes the address's registration permit and, if granted, creates the account unless its
    /// email or username is taken, and says which are. Emails and usernames are compared as
    /// PostgreSQL's <c>lower()</c> makes them, the one lowercasing the unique indexes use too. A
    /// retry of this statement after its answer was lost finds the row of its own first attempt
    /// (same id) and reports it created. Two registrations racing for one name both pass the first
    /// check; the unique index stops the second, and its name tells which field.
    /// </summary>
    private static readonly string s_registerSql = $"""
        WITH permit AS (
            {TakePermit("$7", "$8", "$9", "$6")}
        ), swept AS (
            {SweepEndedWindows("$7", "$6")}
        ), taken AS (
            SELECT lower(email) = lower($2) AS email, lower(username) = lower($3) AS username, id = $1 AS own
            FROM users WHERE lower(email) = lower($2) OR lower(username) = lower($3)
        ), inserted AS (
            INSERT INTO users (id, email, username, password_digest, bio, created_at, updated_at)
            SELECT $1, $2, $3, $4, $5, $6, $6
            WHERE NOT EXISTS (SELECT 1 FROM taken) AND NOT EXISTS (SELECT 1 FROM permit WHERE refused_until IS NOT NULL)
            RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM inserted) OR coalesce(bool_or(own), FALSE),
               coalesce(bool_or(email), FALSE), coalesce(bool_or(username), FALSE),
               (SELECT max(refused_until) FROM permit)
        FROM taken
        """;

    public async ValueTask<RegisterResult> RegisterAsync(NewAccount account, Permit permit, CancellationToken cancellationToken)
    {
        try
        {
            return await postgres.RunAsync(
                s_registerSql,
                (account, permit),
                static (p, a) =>
                {
                    p.AddUuid(a.account.Id);
                    p.AddText(a.account.Email);
                    p.AddText(a.account.Username);
                    p.AddText(a.account.PasswordDigest);
                    p.AddNullableText(a.account.Bio);
                    p.AddTime(a.account.Now);
                    p.AddPermit(a.permit);
                },
                static async (reader, _, ct) =>
                {
                    await reader.ReadAsync(ct);
                    // Created wins: a retry may find its own row and a window its first try filled.
                    return reader.GetBoolean(0) ? new RegisterResult(RegisterOutcome.Created)
                        : !reader.IsDBNull(3) ? new RegisterResult(RegisterOutcome.Limited, LimitedUntil: reader.GetDateTime(3))
                        : new RegisterResult(RegisterOutcome.Taken, reader.GetBoolean(1), reader.GetBoolean(2));
                },
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName is EmailUniqueIndex or UsernameUniqueIndex)
        {
            return new RegisterResult(RegisterOutcome.Taken, e.ConstraintName == EmailUniqueIndex, e.ConstraintName != EmailUniqueIndex);
        }
    }

    /// <summary>
    /// Takes a login permit of the address (<c>$2</c>) and one of the account (its key is a hash of
    /// the email lowercased by PostgreSQL: fixed in length whatever was sent, and no address book
    /// in the counters), then, if both are granted, finds the account. The password is
    /// checked after this statement: the attempt is counted before anyone learns whether it was right.
    /// </summary>
    private static readonly string s_signInSql = $"""
        WITH by_address AS (
            {TakePermit("$2", "$3", "$4", "$8")}
        ), by_account AS (
            {TakePermit("$5 || md5(lower($1))", "$6", "$7", "$8")}
        ), swept AS (
            {SweepEndedWindows("$2, $5 || md5(lower($1))", "$8")}
        ), refused AS (
            SELECT max(refused_until) AS until FROM (SELECT refused_until FROM by_address UNION ALL SELECT refused_until FROM by_account) p
        )
        SELECT r.until, {MeColumns}, u.password_digest
        FROM refused r
        LEFT JOIN users u ON lower(u.email) = lower($1) AND r.until IS NULL
        LIMIT 1
        """;

    public ValueTask<SignInAttempt> SignInAsync(string email, Permit byAddress, Permit byAccount, DateTime now, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            s_signInSql,
            (email, byAddress, byAccount, now),
            static (p, a) =>
            {
                p.AddText(a.email);
                p.AddPermit(a.byAddress);
                p.AddPermit(a.byAccount);
                p.AddTime(a.now);
            },
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return !reader.IsDBNull(0) ? new SignInAttempt(reader.GetDateTime(0), null)
                    : reader.IsDBNull(1) ? new SignInAttempt(null, null)
                    : new SignInAttempt(null, new SignIn(ReadMe(reader, 1), reader.GetString(8)));
            },
            cancellationToken);

    /// <summary>A login that succeeded gives back the permits it took: only failures count.</summary>
    public ValueTask<bool> ReturnSignInPermitsAsync(string email, Permit byAddress, Permit byAccount, DateTime now, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            """
            UPDATE rate_limit_counters SET hits = hits - 1
            WHERE key IN ($2, $3 || md5(lower($1))) AND window_ends_at > $4 AND hits > 0
            """,
            (email, byAddress, byAccount, now),
            static (p, a) =>
            {
                p.AddText(a.email);
                p.AddText(a.byAddress.Key);
                p.AddText(a.byAccount.Key);
                p.AddTime(a.now);
            },
            static (reader, _, _) => ValueTask.FromResult(reader.RecordsAffected > 0),
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
    /// Revokes the token, and sweeps the ones that expired before <paramref name="purgeBefore"/>,
    /// in one statement. That cut-off lies a clock skew before now: a token is accepted until its
    /// expiry plus the skew, so its row must stay as long. False
    /// when the token was revoked already: a logout with a revoked token is refused like any other
    /// request. A retry that finds the row its own first attempt inserted counts as revoked now.
    /// </summary>
    public async ValueTask<bool> RevokeAsync(string tokenId, DateTime expiresAt, DateTime purgeBefore, CancellationToken cancellationToken)
    {
        var revocation = new Revocation(tokenId, expiresAt, purgeBefore);
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
                p.AddTime(r.PurgeBefore);
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
    private sealed class Revocation(string tokenId, DateTime expiresAt, DateTime purgeBefore)
    {
        public string TokenId { get; } = tokenId;
        public DateTime ExpiresAt { get; } = expiresAt;
        public DateTime PurgeBefore { get; } = purgeBefore;
        public int Attempts { get; set; }
    }
}
