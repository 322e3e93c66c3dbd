using System.Globalization;
using SocialMedia.Api.Common;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Likes;

internal enum LikeOutcome
{
    Liked,
    AlreadyLiked,
    Unliked,
    PostMissing,
    Revoked,
}

/// <summary>A like or unlike: what happened, and the post's count after it.</summary>
internal readonly record struct LikeResult(LikeOutcome Outcome, int LikesCount = 0);

/// <summary>A page of a post's likes; PostMissing when the post does not exist.</summary>
internal readonly record struct LikePage(bool PostMissing, List<(Cursor Position, LikeResponse Like)> Rows);

/// <summary>
/// Every statement of the Likes feature, one round trip each. A like and its counter move in one
/// atomic statement: the unique (user_id, post_id) index makes a repeated like a no-op, and the
/// counter moves by exactly the number of rows inserted or deleted, in the database. The caller's
/// token is looked up in the same statement, and a revoked one changes nothing.
/// </summary>
internal sealed class LikeStore(Postgres postgres)
{
    // Shapes: the first page, or a page after a cursor.
    private readonly PageStatements _pages = new(2, static (afterCursor, limit) => string.Create(CultureInfo.InvariantCulture, $"""
        SELECT e.found, l.id, l.created_at, u.username, l.user_id, u.avatar_url
        FROM (SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1) AS found) e
        LEFT JOIN LATERAL (
            SELECT id, created_at, user_id FROM likes
            WHERE post_id = $1{(afterCursor == 0 ? "" : " AND (created_at, id) < ($2, $3)")}
            ORDER BY created_at DESC, id DESC
            LIMIT {limit + 1}
        ) l ON TRUE
        LEFT JOIN users u ON u.id = l.user_id
        ORDER BY l.created_at DESC, l.id DESC
        """));

    public ValueTask<LikeResult> LikeAsync(Guid postId, Caller caller, Guid likeId, DateTime now, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"""
            WITH t AS ({AuthStore.CallerToken}), inserted AS (
                INSERT INTO likes (id, user_id, post_id, created_at)
                SELECT $4, $2, $3, $5 FROM t
                WHERE NOT t.revoked AND EXISTS (SELECT 1 FROM posts WHERE id = $3)
                ON CONFLICT (user_id, post_id) DO NOTHING
                RETURNING 1
            ), bumped AS (
                UPDATE posts SET likes_count = likes_count + 1
                WHERE id = $3 AND EXISTS (SELECT 1 FROM inserted)
                RETURNING likes_count
            )
            SELECT t.revoked, p.id IS NOT NULL, coalesce((SELECT likes_count FROM bumped), p.likes_count),
                   EXISTS (SELECT 1 FROM inserted)
            FROM t LEFT JOIN posts p ON p.id = $3
            """,
            (Caller: caller, PostId: postId, LikeId: likeId, Now: now),
            static (p, a) =>
            {
                p.AddCaller(a.Caller);
                p.AddUuid(a.PostId);
                p.AddUuid(a.LikeId);
                p.AddTime(a.Now);
            },
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return reader.GetBoolean(0) ? new LikeResult(LikeOutcome.Revoked)
                    : !reader.GetBoolean(1) ? new LikeResult(LikeOutcome.PostMissing)
                    : new LikeResult(reader.GetBoolean(3) ? LikeOutcome.Liked : LikeOutcome.AlreadyLiked, reader.GetInt32(2));
            },
            cancellationToken);

    public ValueTask<LikeResult> UnlikeAsync(Guid postId, Caller caller, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"""
            WITH t AS ({AuthStore.CallerToken}), deleted AS (
                DELETE FROM likes l USING t
                WHERE l.user_id = $2 AND l.post_id = $3 AND NOT t.revoked
                RETURNING 1
            ), lowered AS (
                UPDATE posts SET likes_count = likes_count - 1
                WHERE id = $3 AND EXISTS (SELECT 1 FROM deleted)
                RETURNING likes_count
            )
            SELECT t.revoked, p.id IS NOT NULL, coalesce((SELECT likes_count FROM lowered), p.likes_count)
            FROM t LEFT JOIN posts p ON p.id = $3
            """,
            (Caller: caller, PostId: postId),
            static (p, a) =>
            {
                p.AddCaller(a.Caller);
                p.AddUuid(a.PostId);
            },
            static async (reader, _, ct) =>
            {
                await reader.ReadAsync(ct);
                return reader.GetBoolean(0) ? new LikeResult(LikeOutcome.Revoked)
                    : !reader.GetBoolean(1) ? new LikeResult(LikeOutcome.PostMissing)
                    : new LikeResult(LikeOutcome.Unliked, reader.GetInt32(2));
            },
            cancellationToken);

    /// <summary>
    /// Newest first, keyset-paged on (created_at, id) as the index is; a literal LIMIT, as on the
    /// timeline (<see cref="PageStatements"/>). The post's existence is a one-row relation the page joins LATERAL: an empty page
    /// and a missing post look alike otherwise, and telling them apart takes no second statement.
    /// </summary>
    public ValueTask<LikePage> PageAsync(Guid postId, PageRequest page, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            _pages.For(page.After is null ? 0 : 1, page.Limit),
            (PostId: postId, Page: page),
            static (p, a) => p.AddPostPage(a.PostId, a.Page),
            static async (reader, a, ct) =>
            {
                var rows = new List<(Cursor, LikeResponse)>(a.Page.Limit + 1);
                var found = false;
                while (await reader.ReadAsync(ct))
                {
                    found = reader.GetBoolean(0);
                    if (!reader.IsDBNull(1))
                    {
                        var createdAt = reader.GetDateTime(2);
                        rows.Add((new Cursor(createdAt, reader.GetGuid(1)),
                            new LikeResponse(new AuthorResponse(reader.GetGuid(4), reader.GetString(3), reader.GetNullableString(5)), createdAt)));
                    }
                }

                return new LikePage(!found, rows);
            },
            cancellationToken);
}
