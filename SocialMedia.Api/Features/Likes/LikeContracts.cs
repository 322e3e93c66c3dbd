using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Likes;

public sealed record LikeStateResponse(Guid PostId, bool Liked, int LikesCount);

public sealed record LikeResponse(AuthorResponse User, UtcTimestamp CreatedAt);
