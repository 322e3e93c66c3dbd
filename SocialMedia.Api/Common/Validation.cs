using System.Globalization;

namespace SocialMedia.Api.Common;

/// <summary>Collects field errors under their wire (snake_case) names.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}

/// <summary>The text rule shared by posts and comments.</summary>
public static class TextContent
{
    public const int MaxTextElements = 280;
    public const string Rule = "must be 1 to 280 characters and not only whitespace";

    /// <summary>
    /// Counts what a person sees as characters (extended grapheme clusters): a flag or a family
    /// emoji is one, although it is several UTF-16 units and code points.
    /// </summary>
    public static int CountTextElements(string text) => new StringInfo(text).LengthInTextElements;

    public static bool IsValid(string? text) =>
        !string.IsNullOrWhiteSpace(text) && CountTextElements(text) <= MaxTextElements;
}
