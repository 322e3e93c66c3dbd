using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Posts;

/// <summary>A post as read for a response: the author and liked_by_me come in the same SQL statement.</summary>
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

internal static class PostQueries
{
    /// <summary>
    /// Newest first, keyset-paged on (created_at, id) — the order of the posts indexes. The
    /// timeline is the API's hottest read, so it is one hand-written statement read straight off
    /// Npgsql, in one round trip with the request's revocation lookup when that is pending:
    /// <list type="bullet">
    /// <item>its LIMIT is a number in the statement: EF binds Take's count as a parameter, and with
    /// LIMIT $n PostgreSQL cannot tell that a prepared page query stops after 21 rows, prices its
    /// generic plan as a scan of a tenth of the table and plans it again on every request (half
    /// the database's time for a page);</item>
    /// <item>no LINQ to translate, no SQL to generate and no materializer per request (EF cannot
    /// cache the SQL of a query composed on top of FromSql with parameters).</item>
    /// </list>
    /// bench/ has the figures. The single-post read (<see cref="FindRowAsync"/>) stays in LINQ.
    /// </summary>
    public static Task<List<PostRow>> PageAsync(
        this SocialDbContext db, Guid? authorId, PageRequest page, Guid? viewerId, DeferredRevocationCheck? revocation, CancellationToken cancellationToken)
    {
        var conditions = new List<string>(2);
        var parameters = new List<NpgsqlParameter>(4) { HandWrittenSql.Uuid(viewerId) };
        if (authorId is { } author)
        {
            parameters.Add(HandWrittenSql.Uuid(author));
            conditions.Add(string.Create(CultureInfo.InvariantCulture, $"user_id = ${parameters.Count}"));
        }

        if (page.After is { } after)
        {
            // A row comparison, so PostgreSQL seeks the index instead of filtering an OR.
            parameters.Add(HandWrittenSql.Time(after.CreatedAt));
            parameters.Add(HandWrittenSql.Uuid(after.Id));
            conditions.Add(string.Create(CultureInfo.InvariantCulture, $"(created_at, id) < (${parameters.Count - 1}, ${parameters.Count})"));
        }

        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        // liked_by_me is a one-row lookup per post, not EXISTS: see FindRowAsync.
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT p.id, p.content, p.image_key, p.likes_count, p.comments_count,
                   COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = $1 AND l.post_id = p.id LIMIT 1), FALSE),
                   p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
            FROM (SELECT * FROM posts{where} ORDER BY created_at DESC, id DESC LIMIT {page.Limit + 1}) p
            JOIN users u ON u.id = p.user_id
            ORDER BY p.created_at DESC, p.id DESC
            """);
        return db.QueryAsync(sql, [.. parameters], ReadRow, cancellationToken, revocation, page.Limit + 1);
    }

    private static PostRow ReadRow(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetNullableString(2),
        reader.GetInt32(3),
        reader.GetInt32(4),
        reader.GetBoolean(5),
        reader.GetGuid(6),
        reader.GetString(7),
        reader.GetNullableString(8),
        reader.GetDateTime(9),
        reader.GetDateTime(10));

    /// <summary>Whether the post exists: what an empty page of its likes or comments, or a refused delete, must tell apart.</summary>
    public static Task<bool> PostExistsAsync(this SocialDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var (context, post, ct) = (db, id, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        return context.Posts.AnyAsync(p => p.Id == post, ct);
    }

    /// <summary>
    /// One post with its author and liked_by_me in one statement. liked_by_me is a one-row lookup
    /// on the (user_id, post_id) index, not <c>Any()</c>: its EXISTS may be planned as a hash of
    /// all the viewer's likes, which a prepared (generic) plan does every time, so a read got
    /// slower with every like its reader had ever given.
    /// </summary>
    public static Task<PostRow?> FindRowAsync(this SocialDbContext db, Guid id, Guid? viewerId, CancellationToken cancellationToken)
    {
        var (context, post, ct) = (db, id, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        // Always the lookup, never "viewer != null &&": EF's precompiler folds that test as if the
        // viewer were always null. No user has the empty id, so an anonymous read finds no like.
        var viewer = viewerId ?? Guid.Empty;
        return context.Posts.AsNoTracking()
            .Where(p => p.Id == post)
            .Select(p => new PostRow(
                p.Id,
                p.Content,
                p.ImageKey,
                p.LikesCount,
                p.CommentsCount,
                p.Likes.Where(l => l.UserId == viewer).Select(l => true).FirstOrDefault(),
                p.UserId,
                p.User.Username,
                p.User.AvatarUrl,
                p.CreatedAt,
                p.UpdatedAt))
            .FirstOrDefaultAsync(ct);
    }
}
