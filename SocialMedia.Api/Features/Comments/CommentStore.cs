using System.Globalization;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Comments;

internal enum CommentOutcome
{
    Done,
    PostMissing,
    NotFound,
    NotOwner,
    Revoked,
}

/// <summary>The outcome of a comment write; a new comment's author comes with it.</summary>
internal readonly record struct CommentResult(CommentOutcome Outcome, AuthorResponse? Author = null);

/// <summary>A page of a post's comments; PostMissing when the post does not exist.</summary>
internal readonly record struct CommentPage(bool PostMissing, List<CommentResponse> Rows);

internal sealed record NewComment(Guid Id, Guid PostId, Caller Author, string Content, DateTime Now);

/// <summary>
/// Every statement of the Comments feature, one round trip each. A comment and its post's counter
/// move in one statement, which also looks the caller's token up: a revoked one writes nothing.
/// </summary>
internal sealed class CommentStore(Postgres postgres)
{
    // Shapes: the first page, or a page after a cursor. Oldest first, keyset-paged on
    // (created_at, id) as the index is; the LIMIT is a number in the text (PageStatements).
    private readonly PageStatements _pages = new(2, static (afterCursor, limit) => string.Create(CultureInfo.InvariantCulture, $"""
        SELECT e.found, c.id, c.content, c.user_id, u.username, u.avatar_url, c.created_at, c.updated_at
        FROM (SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1) AS found) e
        LEFT JOIN LATERAL (
            SELECT id, content, user_id, created_at, updated_at FROM comments
            WHERE post_id = $1{(afterCursor == 0 ? "" : " AND (created_at, id) > ($2, $3)")}
            ORDER BY created_at, id
            LIMIT {limit + 1}
        ) c ON TRUE
        LEFT JOIN users u ON u.id = c.user_id
        ORDER BY c.created_at, c.id
        """));

    /// <summary>
    /// A page of the post's comments. The post's existence is a one-row relation the page joins
    /// LATERAL: an empty page and a missing post look alike otherwise.
    /// </summary>
    public ValueTask<CommentPage> PageAsync(Guid postId, PageRequest page, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            _pages.For(page.After is null ? 0 : 1, page.Limit),
            (PostId: postId, Page: page),
            static (p, a) => p.AddPostPage(a.PostId, a.Page),
            static async (reader, a, ct) =>
            {
                var rows = new List<CommentResponse>(a.Page.Limit + 1);
                var found = false;
                while (await reader.ReadAsync(ct))
                {
                    found = reader.GetBoolean(0);
                    if (!reader.IsDBNull(1))
                    {
                        rows.Add(new CommentResponse(
                            reader.GetGuid(1), a.PostId, reader.GetString(2),
                            new AuthorResponse(reader.GetGuid(3), reader.GetString(4), reader.GetNullableString(5)),
                            reader.GetDateTime(6), reader.GetDateTime(7)));
                    }
                }

                return new CommentPage(!found, rows);
            },
            cancellationToken);

    /// <summary>
    /// The row and the counter in one statement; the author comes back with it. A retry after a
    /// lost answer meets its own first attempt's row (the primary key, the table's only unique
    /// index) and is answered as the success it was, counted once.
    /// </summary>
    public async ValueTask<CommentResult> CreateAsync(NewComment comment, CancellationToken cancellationToken)
    {
        try
        {
            return await postgres.RunAsync(
                $"""
                WITH t AS ({AuthStore.CallerToken}), inserted AS (
                    INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
                    SELECT $3, $4, $2, $5, $6, $6 FROM t
                    WHERE NOT t.revoked AND EXISTS (SELECT 1 FROM posts WHERE id = $4)
                    RETURNING post_id
                ), bumped AS (
                    UPDATE posts SET comments_count = comments_count + 1
                    WHERE id IN (SELECT post_id FROM inserted)
                    RETURNING id
                )
                SELECT t.revoked, u.username, u.avatar_url
                FROM t LEFT JOIN users u ON u.id = $2 AND EXISTS (SELECT 1 FROM bumped)
                """,
                comment,
                static (p, c) =>
                {
                    p.AddCaller(c.Author);
                    p.AddUuid(c.Id);
                    p.AddUuid(c.PostId);
                    p.AddText(c.Content);
                    p.AddTime(c.Now);
                },
                static async (reader, c, ct) =>
                {
                    await reader.ReadAsync(ct);
                    return reader.GetBoolean(0) ? new CommentResult(CommentOutcome.Revoked)
                        : reader.IsDBNull(1) ? new CommentResult(CommentOutcome.PostMissing)
                        : new CommentResult(CommentOutcome.Done, new AuthorResponse(c.Author.UserId, reader.GetString(1), reader.GetNullableString(2)));
                },
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The post was deleted between the EXISTS and the insert.
            return new CommentResult(CommentOutcome.PostMissing);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await OwnRowAsync(comment, cancellationToken) is { } author
                ? new CommentResult(CommentOutcome.Done, author)
                : throw new InvalidOperationException("A new comment's id was taken by another comment.", e);
        }
    }

    private ValueTask<AuthorResponse?> OwnRowAsync(NewComment comment, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            "SELECT u.username, u.avatar_url FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = $1 AND c.user_id = $2",
            comment,
            static (p, c) =>
            {
                p.AddUuid(c.Id);
                p.AddUuid(c.Author.UserId);
            },
            static async (reader, c, ct) => await reader.ReadAsync(ct) ? new AuthorResponse(c.Author.UserId, reader.GetString(0), reader.GetNullableString(1)) : null,
            cancellationToken);

    /// <summary>Deletes the caller's comment and lowers its post's counter; ownership is in the WHERE clause.</summary>
    public ValueTask<CommentResult> DeleteAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        postgres.RunAsync(
            $"""
            WITH t AS ({AuthStore.CallerToken}), deleted AS (
                DELETE FROM comments c USING t
                WHERE c.id = $3 AND c.user_id = $2 AND NOT t.revoked
                RETURNING c.post_id
            ), lowered AS (
                UPDATE posts SET comments_count = comments_count - 1
                WHERE id IN (SELECT post_id FROM deleted)
            )
            SELECT t.revoked, EXISTS (SELECT 1 FROM deleted), EXISTS (SELECT 1 FROM comments WHERE id = $3)
            FROM t
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
                return new CommentResult(reader.GetBoolean(0) ? CommentOutcome.Revoked
                    : reader.GetBoolean(1) ? CommentOutcome.Done
                    : reader.GetBoolean(2) ? CommentOutcome.NotOwner
                    : CommentOutcome.NotFound);
            },
            cancellationToken);
}
