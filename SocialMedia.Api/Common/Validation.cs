using System.Globalization;
using System.Text;

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

    public const int MaxUtf8Bytes = 4000;
    public const string BytesRule = "must be at most 4,000 bytes of UTF-8";
    public const string ControlRule = "must not contain control characters other than tab and newline";

    public static bool IsValid(string? text) => Check(text) is null;

    /// <summary>
    /// The first rule the text breaks, or null. The byte bound exists because one text element can
    /// carry any number of combining code points, so 280 of them alone bound nothing; control
    /// characters are refused because PostgreSQL cannot store U+0000 and the rest only hide text.
    /// </summary>
    public static string? Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Rule;
        }

        if (HasControlCharacters(text, allowLineBreaks: true))
        {
            return ControlRule;
        }

        // Checked before counting text elements, which walks the whole string.
        if (Encoding.UTF8.GetByteCount(text) > MaxUtf8Bytes)
        {
            return BytesRule;
        }

        return CountTextElements(text) <= MaxTextElements ? null : Rule;
    }

    /// <summary>
    /// Whether the text holds a C0 control character or DEL; tab and newline (and the carriage
    /// return of a CRLF) pass when <paramref name="allowLineBreaks"/> is set, for multi-line text.
    /// </summary>
    public static bool HasControlCharacters(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
        {
            if (c < ' ' || c == '\u007f')
            {
                if (allowLineBreaks && c is '\t' or '\n' or '\r')
                {
                    continue;
                }

                return true;
            }
        }

        return false;
    }
}
