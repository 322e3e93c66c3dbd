using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
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
    /// One statement for any number of posts: a join for the author and, for liked_by_me, a
    /// one-row lookup per post on the (user_id, post_id) index (no N+1). Not <c>Any()</c>: its
    /// EXISTS may be planned as a hash of all the viewer's likes, which a prepared (generic) plan
    /// does for every page, so a page got slower with every like its reader had ever given.
    /// </summary>
    public static IQueryable<PostRow> ToRows(this IQueryable<Post> posts, Guid? viewerId) =>
        posts.Select(p => new PostRow(
            p.Id,
            p.Content,
            p.ImageKey,
            p.LikesCount,
            p.CommentsCount,
            viewerId != null && p.Likes.Where(l => l.UserId == viewerId).Select(l => true).FirstOrDefault(),
            p.UserId,
            p.User.Username,
            p.User.AvatarUrl,
            p.CreatedAt,
            p.UpdatedAt));

    /// <summary>
    /// Newest first, keyset-paged on (created_at, id) — the order of the posts indexes. The page
    /// itself is SQL so that its LIMIT is a number in the statement: EF binds Take's count as a
    /// parameter, and with LIMIT $n PostgreSQL cannot tell a prepared page query stops after 21
    /// rows, prices its generic plan as a scan of a tenth of the table and plans it again on every
    /// request (half the database's time for a timeline page; bench/ has the figures).
    /// </summary>
    public static Task<List<PostRow>> PageAsync(this SocialDbContext db, Guid? authorId, PageRequest page, Guid? viewerId, CancellationToken cancellationToken)
    {
        var conditions = new List<string>(2);
        var parameters = new List<NpgsqlParameter>(3);
        if (authorId is { } author)
        {
            conditions.Add("user_id = @author");
            parameters.Add(new NpgsqlParameter("author", author));
        }

        if (page.After is { } after)
        {
            // A row comparison, so PostgreSQL seeks the index instead of filtering an OR.
            conditions.Add("(created_at, id) < (@after_created_at, @after_id)");
            parameters.Add(new NpgsqlParameter("after_created_at", after.CreatedAt));
            parameters.Add(new NpgsqlParameter("after_id", after.Id));
        }

        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        var sql = string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM posts{where} ORDER BY created_at DESC, id DESC LIMIT {page.Limit + 1}");
        return db.Posts.FromSqlRaw(sql, [.. parameters]).AsNoTracking()
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .ToRows(viewerId)
            .ToListAsync(cancellationToken);
    }

    public static Task<PostRow?> FindRowAsync(this SocialDbContext db, Guid id, Guid? viewerId, CancellationToken cancellationToken) =>
        db.Posts.AsNoTracking().Where(p => p.Id == id).ToRows(viewerId).FirstOrDefaultAsync(cancellationToken);
}
