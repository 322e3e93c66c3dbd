namespace SocialMedia.Api.Common;

/// <summary>
/// Which Lambda function serves an endpoint (the design's split: auth, posts, likes, comments).
/// Set once per route group; the Lambda host filters on it and deploy/ is checked against it.
/// </summary>
public sealed record FunctionGroup(string Name)
{
    public const string Auth = "auth";
    public const string Posts = "posts";
    public const string Likes = "likes";
    public const string Comments = "comments";
    public const string All = "all";

    public static readonly IReadOnlyList<string> Names = [Auth, Posts, Likes, Comments];
}

internal static class FunctionGroupExtensions
{
    public static TBuilder InFunctionGroup<TBuilder>(this TBuilder builder, string name) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new FunctionGroup(name));
}
