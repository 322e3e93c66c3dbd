using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace SocialMedia.Api.Common;

/// <summary>
/// Timestamps on the wire: UTC, ISO 8601, exactly millisecond precision, with a trailing <c>Z</c>
/// (<c>2026-11-28T16:45:00.123Z</c>), whatever precision the database keeps.
/// </summary>
public sealed class UtcMillisecondsConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        // The round-trip format has a fast path that a custom pattern lacks (a timeline page writes
        // forty of these): "2026-11-28T16:45:00.1234567", cut after the milliseconds, then the Z.
        Span<char> buffer = stackalloc char[33];
        utc.TryFormat(buffer, out _, "O", CultureInfo.InvariantCulture);
        buffer[23] = 'Z';
        writer.WriteStringValue(buffer[..24]);
    }
}

internal static class JsonSetup
{
    /// <summary>The one place the wire format is decided: snake_case names, ms-precision UTC times.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // Text in any script goes out as UTF-8, not as \uXXXX escapes: the default encoder escapes
        // everything outside ASCII, which doubles the size of Japanese posts and makes responses
        // unreadable in a network inspector. HTML-sensitive characters (<, >, &, ', +) stay escaped.
        // Characters outside the Basic Multilingual Plane (emoji) are escaped by every built-in
        // encoder; JSON clients decode both forms alike.
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.Converters.Add(new UtcMillisecondsConverter());
        // Source-generated metadata first (no reflection on the hot path); the framework's own
        // resolvers stay behind it for ProblemDetails and friends.
        options.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
    }
}
