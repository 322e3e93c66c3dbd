using System.Text.RegularExpressions;

namespace SocialMedia.Api.Features.Images;

/// <summary>What an image may be, and what its key looks like: <c>posts/{user_id}/{uuid}.{ext}</c>.</summary>
public static partial class ImageRules
{
    public const long MaxBytes = 10 * 1024 * 1024;

    private static readonly Dictionary<string, string> s_extensionByType = new(StringComparer.Ordinal)
    {
        ["image/jpeg"] = "jpg",
        ["image/png"] = "png",
        ["image/gif"] = "gif",
    };

    public static IReadOnlyCollection<string> AllowedContentTypes => s_extensionByType.Keys;

    public static bool TryGetExtension(string? contentType, out string extension)
    {
        extension = "";
        return contentType is not null && s_extensionByType.TryGetValue(contentType, out extension!);
    }

    public static string NewKey(Guid userId, string extension) => $"posts/{userId:D}/{Guid.NewGuid():D}.{extension}";

    /// <summary>Is this a key the upload-url endpoint could have issued to this user?</summary>
    public static bool IsKeyOf(string key, Guid userId, out string contentType)
    {
        contentType = "";
        var match = KeyPattern().Match(key);
        if (!match.Success || !Guid.TryParse(match.Groups["user"].Value, out var owner) || owner != userId)
        {
            return false;
        }

        var extension = match.Groups["ext"].Value;
        contentType = s_extensionByType.First(pair => pair.Value == extension).Key;
        return true;
    }

    [GeneratedRegex("^posts/(?<user>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(?<ext>jpg|png|gif)\\z")]
    private static partial Regex KeyPattern();
}
