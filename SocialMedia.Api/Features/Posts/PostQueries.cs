using Microsoft.EntityFrameworkCore;
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
    /// <summary>One statement for any number of posts: a join for the author, EXISTS for liked_by_me (no N+1).</summary>
    public static IQueryable<PostRow> ToRows(this IQueryable<Post> posts, Guid? viewerId) =>
        posts.Select(p => new PostRow(
            p.Id,
            p.Content,
            p.ImageKey,
            p.LikesCount,
            p.CommentsCount,
            viewerId != null && p.Likes.Any(l => l.UserId == viewerId),
            p.UserId,
            p.User.Username,
            p.User.AvatarUrl,
            p.CreatedAt,
            p.UpdatedAt));

    /// <summary>Newest first, keyset-paged on (created_at, id) — the order of the posts index.</summary>
    public static Task<List<PostRow>> PageAsync(this SocialDbContext db, Guid? authorId, PageRequest page, Guid? viewerId, CancellationToken cancellationToken)
    {
        var posts = db.Posts.AsNoTracking();
        if (authorId is { } author)
        {
            posts = posts.Where(p => p.UserId == author);
        }

        if (page.After is { } after)
        {
            // A row comparison, so PostgreSQL seeks the index instead of filtering an OR.
            posts = posts.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.CreatedAt, p.Id), ValueTuple.Create(after.CreatedAt, after.Id)));
        }

        return posts
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Take(page.Limit + 1)
            .ToRows(viewerId)
            .ToListAsync(cancellationToken);
    }

    public static Task<PostRow?> FindRowAsync(this SocialDbContext db, Guid id, Guid? viewerId, CancellationToken cancellationToken) =>
        db.Posts.AsNoTracking().Where(p => p.Id == id).ToRows(viewerId).FirstOrDefaultAsync(cancellationToken);
}
