using System.Globalization;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Posts;

/// <summary>A post as read for a response: the author and liked_by_me come in the same statement.</summary>
internal sealed record PostRow(
    Guid Id,
    string Content,
    string? ImageKey,
    int LikesCount,
    int CommentsCount,
    bool LikedByMe,
    Guid AuthorId,
    string AuthorUsername,
    string? AuthorAvatarUrl,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public Cursor Position => new(CreatedAt, Id);

    public PostResponse ToResponse(ImageStorage images) => new(
        Id,
        Content,
        ImageKey is null ? null : images.UrlOf(ImageKey),
        ImageKey,
        LikesCount,
        CommentsCount,
        LikedByMe,
        new AuthorResponse(AuthorId, AuthorUsername, AuthorAvatarUrl),
        CreatedAt,
        UpdatedAt);
}

/// <summary>A page of the timeline, or Revoked (the caller's token) and no rows.</summary>
internal readonly record struct PostPage(bool Revoked, List<PostRow> Rows);

internal enum PostOutcome
{
    Done,
    Revoked,
    NotFound,
    NotOwner,
    ImageKeyTaken,
    AccountGone,
}

/// <summary>The outcome of a statement on one post, with the post (reads, edits) or what it takes to answer.</summary>
internal readonly record struct PostResult(PostOutcome Outcome, PostRow? Row = null, PostAuthor? Author = null, string? ImageKey = null);

internal sealed record NewPost(Guid Id, Caller Author, string Content, string? ImageKey, DateTime Now);

/// <summary>An edit: <see cref="HasImageKey"/> false keeps the image, true sets <see cref="ImageKey"/> (null removes it).</summary>
internal sealed record PostEdit(Guid Id, Caller Editor, string? Content, bool HasImageKey, string? ImageKey, DateTime Now);

/// <summary>
/// Every statement of the Posts feature, one round trip each. A caller's statement carries the
/// revocation lookup of its token: a write writes nothing for a revoked token, in the statement
/// itself, and a read returns nothing; either way the outcome says Revoked.
/// </summary>
internal sealed class PostStore(Postgres postgres)
{
    // The row for a response; p is the post, u its author, and $2 the viewer for liked_by_me.
    // liked_by_me is a one-row lookup on the (user_id, post_id) index, not EXISTS: an EXISTS may be
    // planned as a hash of all the viewer's likes, which a prepared (generic) plan does every time,
    // so a read got slower with every like its reader had ever given.
    private const string RowColumns = """
        p.id, p.content, p.image_key, p.likes_count, p.comments_count,
        COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = $2 AND l.post_id = p.id LIMIT 1), FALSE),
        p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
        """;

    // The same columns for an anonymous read: no viewer, so nobody's like to look up.
    private const string AnonymousRowColumns = """
        p.id, p.content, p.image_key, p.likes_count, p.comments_count, FALSE,
        p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
        """;

    // Shapes: by author or not, after a cursor or not, with a caller or anonymous.
    private readonly PageStatements _pages = new(8, static (shape, limit) => BuildPageSql((shape & 4) != 0, (shape & 2) != 0, (shape & 1) != 0, limit));

    /// <summary>
    /// Newest first, keyset-paged on (created_at, id), the order of the posts indexes; an author's
    /// page when <paramref name="authorId"/> is set. Its LIMIT is a number in the statement
    /// (<see cref="PageStatements"/>). With a caller, the token's revocation lookup is in the same
    /// statement: a revoked token's page is empty and says so.
    /// </summary>
    public ValueTask<PostPage> PageAsync(Guid? authorId, PageRequest page, Caller? viewer, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            _pages.For((authorId is null ? 0 : 4) | (page.After is null ? 0 : 2) | (viewer is null ? 0 : 1), page.Limit),
            (Author: authorId, After: page.After, Viewer: viewer, page.Limit),
            static (p, a) =>
            {
                if (a.Viewer is { } viewer)
                {
                    p.AddCaller(viewer);
                }

                if (a.Author is { } author)
                {
                    p.AddUuid(author);
                }

                if (a.After is { } after)
                {
                    p.AddTime(after.CreatedAt);
                    p.AddUuid(after.Id);
                }
            },
            static async (reader, a, ct) =>
            {
                var rows = new List<PostRow>(a.Limit + 1);
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetBoolean(0))
                    {
                        return new PostPage(true, rows);
                    }

                    if (!reader.IsDBNull(1))
                    {
                        rows.Add(ReadRow(reader, 1));
                    }
                }

                return new PostPage(false, rows);
            },
            cancellationToken);

    private static string BuildPageSql(bool byAuthor, bool afterCursor, bool withViewer, int limit)
    {
        // $1 and $2 are the token and the viewer when there is one; the page's own parameters follow.
        var next = withViewer ? 3 : 1;
        var conditions = new List<string>(3);
        if (withViewer)
        {
            conditions.Add($"NOT {AuthStore.TokenRevoked}");
        }

        if (byAuthor)
        {
            conditions.Add(string.Create(CultureInfo.InvariantCulture, $"user_id = ${next++}"));
        }

        if (afterCursor)
        {
            // A row comparison, so PostgreSQL seeks the index instead of filtering an OR.
            conditions.Add(string.Create(CultureInfo.InvariantCulture, $"(created_at, id) < (${next}, ${next + 1})"));
        }

        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        var posts = string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM posts{where} ORDER BY created_at DESC, id DESC LIMIT {limit + 1}");
        // A revoked token's page is one row saying so, the second branch; otherwise that branch is
        // empty and the page is the first. The page is a plain join, not a LATERAL one under the
        // token's row: PostgreSQL then plans it as it plans the page alone (the authors by their
        // primary key, in the index's order), and tests the token in each branch as a one-time
        // filter.
        return withViewer
            ? $"""
              SELECT FALSE AS revoked, {RowColumns}
              FROM ({posts}) p JOIN users u ON u.id = p.user_id
              UNION ALL
              SELECT TRUE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE {AuthStore.TokenRevoked}
              ORDER BY created_at DESC, id DESC
              """
            : $"""
              SELECT FALSE, {AnonymousRowColumns}
              FROM ({posts}) p JOIN users u ON u.id = p.user_id
              ORDER BY p.created_at DESC, p.id DESC
              """;
    }

    /// <summary>One post with its author and liked_by_me; NotFound, or Revoked for a revoked caller.</summary>
    public ValueTask<PostResult> FindAsync(Guid id, Caller? viewer, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            viewer is null
                ? $"SELECT FALSE, {AnonymousRowColumns} FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $1"
                : $"""
                  SELECT t.revoked, p.* FROM ({AuthStore.CallerToken}) t
                  LEFT JOIN LATERAL (
                      SELECT {RowColumns}
                      FROM posts p JOIN users u ON u.id = p.user_id
                      WHERE p.id = $3 AND NOT t.revoked
                  ) p ON TRUE
                  """,
            (Id: id, Viewer: viewer),
            static (p, a) =>
            {
                if (a.Viewer is { } viewer)
                {
                    p.AddCaller(viewer);
                }

                p.AddUuid(a.Id);
            },
            static async (reader, _, ct) =>
                !await reader.ReadAsync(ct) ? new PostResult(PostOutcome.NotFound)
                : reader.GetBoolean(0) ? new PostResult(PostOutcome.Revoked)
                : reader.IsDBNull(1) ? new PostResult(PostOutcome.NotFound)
                : new PostResult(PostOutcome.Done, ReadRow(reader, 1)),
            cancellationToken);

    private static readonly string s_createTextSql = $"""
        WITH t AS ({AuthStore.CallerToken}), inserted AS (
            INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
            SELECT $3, $2, $4, $5, $6, $6 FROM t WHERE NOT t.revoked
            RETURNING user_id
        )
        SELECT t.revoked, u.username, u.avatar_url
        FROM t LEFT JOIN (inserted i JOIN users u ON u.id = i.user_id) ON TRUE
        """;

    /// <summary>With an image: the same, and the image taken off the deletion queue (a post that dropped it may have queued it).</summary>
    private static readonly string s_createWithImageSql = $"""
        WITH t AS ({AuthStore.CallerToken}), inserted AS (
            INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
            SELECT $3, $2, $4, $5, $6, $6 FROM t WHERE NOT t.revoked
            RETURNING user_id
        ), unqueued AS (
            DELETE FROM image_deletions WHERE key = $5 AND EXISTS (SELECT 1 FROM inserted)
        )
        SELECT t.revoked, u.username, u.avatar_url
        FROM t LEFT JOIN (inserted i JOIN users u ON u.id = i.user_id) ON TRUE
        """;

    /// <summary>
    /// The row and its author in one statement (the counters start at their defaults, 0), unless
    /// the token is revoked. A retry after a lost answer meets its own first attempt's row (a
    /// unique violation on the id it made): answered as the success it was.
    /// </summary>
    public async ValueTask<PostResult> CreateAsync(NewPost post, CancellationToken cancellationToken)
    {
        try
        {
            return await postgres.RunAsync(
                post.ImageKey is null ? s_createTextSql : s_createWithImageSql,
                post,
                static (p, post) =>
                {
                    p.AddCaller(post.Author);
                    p.AddUuid(post.Id);
                    p.AddText(post.Content);
                    p.AddNullableText(post.ImageKey);
                    p.AddTime(post.Now);
                },
                static async (reader, _, ct) =>
                {
                    await reader.ReadAsync(ct);
                    return reader.GetBoolean(0)
                        ? new PostResult(PostOutcome.Revoked)
                        : new PostResult(PostOutcome.Done, Author: new PostAuthor(reader.GetString(1), reader.GetNullableString(2)));
                },
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Our own first attempt, committed before its answer was lost; otherwise another post
            // holds the image (the only other unique index a post can hit).
            return await OwnRowAsync(post.Id, post.Author.UserId, cancellationToken) is { } author
                ? new PostResult(PostOutcome.Done, Author: author)
                : new PostResult(PostOutcome.ImageKeyTaken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A signature-valid token whose account is gone (a reset development database, say).
            return new PostResult(PostOutcome.AccountGone);
        }
    }

    private ValueTask<PostAuthor?> OwnRowAsync(Guid id, Guid userId, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            "SELECT u.username, u.avatar_url FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $1 AND p.user_id = $2",
            (Id: id, UserId: userId),
            static (p, a) =>
            {
                p.AddUuid(a.Id);
                p.AddUuid(a.UserId);
            },
            static async (reader, _, ct) => await reader.ReadAsync(ct) ? new PostAuthor(reader.GetString(0), reader.GetNullableString(1)) : null,
            cancellationToken);

    /// <summary>
    /// The edit, if the caller owns the post, in one statement that also returns the post as it
    /// now is and the image key it had (<see cref="PostResult.ImageKey"/>, for the old object's
    /// deletion). The post is locked while it is read for the old key, so an edit racing another
    /// edit or a delete sees the row as it is, or no row.
    /// </summary>
    public async ValueTask<PostResult> UpdateAsync(PostEdit edit, CancellationToken cancellationToken)
    {
        try
        {
            return await postgres.RunAsync(
                $"""
                WITH t AS ({AuthStore.CallerToken}), old AS (
                    SELECT id, user_id, image_key FROM posts WHERE id = $3 FOR UPDATE
                ), p AS (
                    UPDATE posts p
                    SET content = coalesce($4, p.content),
                        image_key = CASE WHEN $5 THEN $6 ELSE p.image_key END,
                        updated_at = $7
                    FROM old, t
                    WHERE p.id = old.id AND old.user_id = $2 AND NOT t.revoked
                    RETURNING p.*
                ), queued AS (
                    -- The image the post no longer shows is queued for deletion by this very
                    -- statement: whatever happens to the S3 call afterwards, it is not forgotten.
                    INSERT INTO image_deletions (key, due_at)
                    SELECT old.image_key, now() FROM old JOIN p ON TRUE
                    WHERE old.image_key IS NOT NULL AND old.image_key IS DISTINCT FROM p.image_key
                    ON CONFLICT (key) DO NOTHING
                ), unqueued AS (
                    DELETE FROM image_deletions WHERE $5 AND key = $6 AND EXISTS (SELECT 1 FROM p)
                )
                SELECT t.revoked, old.user_id, old.image_key, {RowColumns}
                FROM t LEFT JOIN old ON TRUE LEFT JOIN p ON TRUE LEFT JOIN users u ON u.id = p.user_id
                """,
                edit,
                static (p, edit) =>
                {
                    p.AddCaller(edit.Editor);
                    p.AddUuid(edit.Id);
                    p.AddNullableText(edit.Content);
                    p.AddBoolean(edit.HasImageKey);
                    p.AddNullableText(edit.ImageKey);
                    p.AddTime(edit.Now);
                },
                static async (reader, edit, ct) =>
                {
                    await reader.ReadAsync(ct);
                    return reader.GetBoolean(0) ? new PostResult(PostOutcome.Revoked)
                        : reader.IsDBNull(1) ? new PostResult(PostOutcome.NotFound)
                        : reader.GetGuid(1) != edit.Editor.UserId ? new PostResult(PostOutcome.NotOwner)
                        : new PostResult(PostOutcome.Done, ReadRow(reader, 3), ImageKey: reader.GetNullableString(2));
                },
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new PostResult(PostOutcome.ImageKeyTaken);
        }
    }

    /// <summary>
    /// What an edit that fails validation must answer first: Revoked, NotFound or NotOwner, or
    /// Done when the caller owns the post (and the validation errors are the answer).
    /// </summary>
    public ValueTask<PostResult> CheckOwnerAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"SELECT t.revoked, p.id IS NOT NULL, p.user_id = $2 FROM ({AuthStore.CallerToken}) t LEFT JOIN posts p ON p.id = $3",
            (Id: id, Caller: caller),
            static (p, a) =>
            {
                p.AddCaller(a.Caller);
                p.AddUuid(a.Id);
            },
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return new PostResult(reader.GetBoolean(0) ? PostOutcome.Revoked
                    : !reader.GetBoolean(1) ? PostOutcome.NotFound
                    : !reader.GetBoolean(2) ? PostOutcome.NotOwner
                    : PostOutcome.Done);
            },
            cancellationToken);

    /// <summary>
    /// Deletes the caller's post (its likes and comments go with it, ON DELETE CASCADE) and returns
    /// its image key, for the object's deletion. Ownership is in the WHERE clause: the check and
    /// the delete are one statement, and so is telling NotOwner from NotFound.
    /// </summary>
    public ValueTask<PostResult> DeleteAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"""
            WITH t AS ({AuthStore.CallerToken}), deleted AS (
                DELETE FROM posts p USING t
                WHERE p.id = $3 AND p.user_id = $2 AND NOT t.revoked
                RETURNING p.image_key
            ), queued AS (
                INSERT INTO image_deletions (key, due_at)
                SELECT image_key, now() FROM deleted WHERE image_key IS NOT NULL
                ON CONFLICT (key) DO NOTHING
            )
            SELECT t.revoked, d.deleted, d.image_key, EXISTS (SELECT 1 FROM posts WHERE id = $3)
            FROM t LEFT JOIN (SELECT TRUE AS deleted, image_key FROM deleted) d ON TRUE
            """,
            (Id: id, Caller: caller),
            static (p, a) =>
            {
                p.AddCaller(a.Caller);
                p.AddUuid(a.Id);
            },
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return reader.GetBoolean(0) ? new PostResult(PostOutcome.Revoked)
                    : !reader.IsDBNull(1) ? new PostResult(PostOutcome.Done, ImageKey: reader.GetNullableString(2))
                    : reader.GetBoolean(3) ? new PostResult(PostOutcome.NotOwner)
                    : new PostResult(PostOutcome.NotFound);
            },
            cancellationToken);

    private static PostRow ReadRow(NpgsqlDataReader reader, int first) => new(
        reader.GetGuid(first),
        reader.GetString(first + 1),
        reader.GetNullableString(first + 2),
        reader.GetInt32(first + 3),
        reader.GetInt32(first + 4),
        reader.GetBoolean(first + 5),
        reader.GetGuid(first + 6),
        reader.GetString(first + 7),
        reader.GetNullableString(first + 8),
        reader.GetDateTime(first + 9),
        reader.GetDateTime(first + 10));
}
