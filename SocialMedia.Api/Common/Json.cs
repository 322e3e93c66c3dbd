using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace SocialMedia.Api.Common;

/// <summary>
/// A timestamp on the wire: UTC, ISO 8601, exactly millisecond precision, with a trailing <c>Z</c>
/// (<c>2026-11-28T16:45:00.123Z</c>), whatever precision the database keeps.
/// </summary>
/// <remarks>
/// A type of its own rather than a converter for <see cref="DateTime"/> in the options: the source
/// generator's fast path (each wire record's properties written straight to the writer) only runs
/// with options that carry no converters, and writes a <see cref="DateTime"/> property in its own
/// trimmed format. A type-level converter keeps the fast path for the records around it; the
/// timestamp itself goes through the serializer's ordinary entry point to reach its converter.
/// Converts to and from <see cref="DateTime"/> implicitly, so code building responses is unchanged.
/// </remarks>
[JsonConverter(typeof(UtcTimestampConverter))]
public readonly record struct UtcTimestamp(DateTime Value)
{
    public static implicit operator UtcTimestamp(DateTime value) => new(value);

    public static implicit operator DateTime(UtcTimestamp timestamp) => timestamp.Value;
}

public sealed class UtcTimestampConverter : JsonConverter<UtcTimestamp>
{
    public override UtcTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, UtcTimestamp value, JsonSerializerOptions options)
    {
        var utc = value.Value.Kind == DateTimeKind.Local ? value.Value.ToUniversalTime() : value.Value;
        // The round-trip format has a fast path that a custom pattern lacks (a timeline page writes
        // forty of these): "2026-11-28T16:45:00.1234567", cut after the milliseconds, then the Z.
        // Formatted as UTF-8, what the writer holds, so nothing is transcoded.
        Span<byte> buffer = stackalloc byte[33];
        utc.TryFormat(buffer, out _, "O", CultureInfo.InvariantCulture);
        buffer[23] = (byte)'Z';
        writer.WriteStringValue(buffer[..24]);
    }
}

internal static class JsonSetup
{
    /// <summary>
    /// Text in any script goes out as UTF-8, not as \uXXXX escapes: the default encoder escapes
    /// everything outside ASCII, which doubles the size of Japanese posts and makes responses
    /// unreadable in a network inspector. HTML-sensitive characters (&lt;, &gt;, &amp;, ', +) stay
    /// escaped. Characters outside the Basic Multilingual Plane (emoji) are escaped by every built-in
    /// encoder; JSON clients decode both forms alike.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>The one place the wire format is decided: snake_case names, ms-precision UTC times (<see cref="UtcTimestamp"/>).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // For what the framework writes itself (problem details); the API's own answers carry the
        // same encoder on their writer (JsonResults).
        options.Encoder = Encoder;
        // Source-generated metadata first (no reflection on the hot path); the framework's own
        // resolvers stay behind it for ProblemDetails and friends.
        options.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
    }
}
