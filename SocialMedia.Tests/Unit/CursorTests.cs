using SocialMedia.Api.Common;

namespace SocialMedia.Tests.Unit;

public sealed class CursorTests
{
    [Fact]
    public void A_cursor_round_trips_its_position_exactly()
    {
        var position = new Cursor(new DateTime(2026, 11, 28, 16, 45, 0, 123, DateTimeKind.Utc).AddTicks(4567), Guid.CreateVersion7());
        Assert.True(Cursor.TryDecode(position.Encode(), out var decoded));
        Assert.Equal(position, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded!.Value.CreatedAt.Kind);
    }

    [Fact]
    public void Cursors_are_url_safe()
    {
        var text = new Cursor(DateTime.UtcNow, Guid.CreateVersion7()).Encode();
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("!!!!")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]   // unknown version
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]  // one character too many
    [InlineData("AX__________AAAAAAAAAAAAAAAAAAAAAA")]   // ticks out of range
    public void Malformed_cursors_are_refused(string text) => Assert.False(Cursor.TryDecode(text, out _));

    [Fact]
    public void A_tampered_cursor_is_refused_or_decodes_to_another_valid_position()
    {
        var text = new Cursor(DateTime.UtcNow, Guid.CreateVersion7()).Encode();
        var tampered = text[..^1] + (text[^1] == 'A' ? 'B' : 'A');
        // The cursor is opaque, not secret: flipping bits gives another position or nothing, never an exception.
        _ = Cursor.TryDecode(tampered, out _);
    }
}
