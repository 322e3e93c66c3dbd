namespace SocialMedia.Schema;

// The tables as EF Core models them, for the migrations. The API reads rows into records of its own
// (each feature's store), and only its wire records are ever serialized to a client.

public sealed class User
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required string Username { get; set; }
    public required string PasswordDigest { get; set; }
    public string? Bio { get; set; }
    public string? AvatarUrl { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Post
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User User { get; set; } = null!;
    public required string Content { get; set; }
    public string? ImageKey { get; set; }
    public int LikesCount { get; set; }
    public int CommentsCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public ICollection<Like> Likes { get; } = [];
}

public sealed class Like
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User User { get; set; } = null!;
    public Guid PostId { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class Comment
{
    public Guid Id { get; set; }
    public Guid PostId { get; set; }
    public Guid UserId { get; set; }
    public User User { get; set; } = null!;
    public required string Content { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A logged-out token's id, kept only until the token would have expired anyway.</summary>
public sealed class RevokedToken
{
    public required string Jti { get; set; }
    public DateTime ExpiresAt { get; set; }
}

/// <summary>
/// One limit's fixed window for one key ("login-address:…", "login-account:…",
/// "register-address:…"): every instance of the API counts in the same row.
/// </summary>
public sealed class RateLimitCounter
{
    public required string Key { get; set; }
    public DateTime WindowEndsAt { get; set; }
    public int Hits { get; set; }
}

/// <summary>
/// An image object to delete from the bucket: queued by the statement that dropped the post's
/// reference to it, so that a failed or unanswered S3 call cannot leave it behind for good.
/// </summary>
public sealed class ImageDeletion
{
    public required string Key { get; set; }
    public DateTime DueAt { get; set; }
}
