using SocialMedia.Api.Common;
namespace SocialMedia.Api.Features.Users;

/// <summary>A user as anyone may see them.</summary>
public sealed record UserResponse(Guid Id, string Username, string? Bio, string? AvatarUrl, UtcTimestamp CreatedAt);

/// <summary>The caller's own account: the public fields plus email and updated_at.</summary>
public sealed record MeResponse(Guid Id, string Username, string? Bio, string? AvatarUrl, UtcTimestamp CreatedAt, string Email, UtcTimestamp UpdatedAt);

/// <summary>The author embedded in posts, comments and likes.</summary>
public sealed record AuthorResponse(Guid Id, string Username, string? AvatarUrl);
