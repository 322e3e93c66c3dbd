using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;

namespace SocialMedia.Tests.Unit;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("a", 1)]
    [InlineData("👍", 1)]
    [InlineData("👨‍👩‍👧‍👦", 1)]          // family: a ZWJ sequence of 7 code points
    [InlineData("🇯🇵", 1)]              // flag: two regional indicators
    [InlineData("é", 1)]          // e + combining acute accent
    [InlineData("👍🏽", 1)]              // skin tone modifier
    [InlineData("日本語", 3)]
    public void Text_is_counted_in_characters_as_people_see_them(string text, int expected) =>
        Assert.Equal(expected, TextContent.CountTextElements(text));

    [Theory]
    [InlineData("hi", true)]
    [InlineData("", false)]
    [InlineData(" \t\n", false)]
    [InlineData(null, false)]
    public void Content_must_be_present_and_not_only_whitespace(string? text, bool valid) =>
        Assert.Equal(valid, TextContent.IsValid(text));

    [Fact]
    public void Content_may_have_280_characters_but_not_281()
    {
        Assert.True(TextContent.IsValid(new string('x', 280)));
        Assert.False(TextContent.IsValid(new string('x', 281)));
        Assert.True(TextContent.IsValid(string.Concat(Enumerable.Repeat("🇯🇵", 280))));
    }

    [Theory]
    [InlineData("tab\tand\r\nnewline", true)]
    [InlineData("nul\0", false)]
    [InlineData("bell\u0007", false)]
    [InlineData("del\u007f", false)]
    public void Content_refuses_control_characters_other_than_tab_and_line_breaks(string text, bool valid) =>
        Assert.Equal(valid, TextContent.IsValid(text));

    [Fact]
    public void Content_is_bounded_in_utf8_bytes_as_well_as_in_characters()
    {
        var heavy = "e" + new string('\u0301', 30); // one character, 61 bytes
        Assert.Equal(TextContent.BytesRule, TextContent.Check(string.Concat(Enumerable.Repeat(heavy, 66))));
        Assert.Null(TextContent.Check(string.Concat(Enumerable.Repeat(heavy, 65))));
    }

    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("Alice.Smith+tag@mail.example.co.jp", true)]
    [InlineData("alice", false)]
    [InlineData("alice@localhost", false)]
    [InlineData("al\0ice@example.com", false)]
    [InlineData("Alice <alice@example.com>", false)]
    [InlineData(" alice@example.com", false)]
    [InlineData("alice@example.", false)]
    [InlineData("", false)]
    public void Emails_must_be_a_bare_deliverable_looking_address(string email, bool valid) =>
        Assert.Equal(valid, RegisterRequest.IsValidEmail(email));

    [Fact]
    public void Emails_over_255_characters_are_refused() =>
        Assert.False(RegisterRequest.IsValidEmail(new string('a', 250) + "@example.com"));

    [Theory]
    [InlineData("12345678", true)]
    [InlineData("1234567", false)]
    [InlineData("ééééééééééééééééééééééééééééééééééé", true)]   // 35 chars, 70 bytes
    [InlineData("éééééééééééééééééééééééééééééééééééé", true)]  // 72 bytes exactly
    [InlineData("ééééééééééééééééééééééééééééééééééééé", false)] // 74 bytes
    public void Passwords_are_8_to_72_bytes_of_utf8(string password, bool valid) =>
        Assert.Equal(valid, RegisterRequest.IsValidPassword(password));

    [Theory]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("under_score_99", true)]
    [InlineData("has-dash", false)]
    [InlineData("ünïcode", false)]
    public void Usernames_are_3_to_50_word_characters(string username, bool valid) =>
        Assert.Equal(valid, new RegisterRequest("a@b.co", "long enough", username, null).Validate().IsEmpty);

    [Fact]
    public void An_image_key_belongs_to_the_user_in_its_path_and_promises_its_type()
    {
        var user = Guid.CreateVersion7();
        var key = ImageRules.NewKey(user, "png");
        Assert.Matches($"^posts/{user}/[0-9a-f-]{{36}}\\.png$", key);
        Assert.True(ImageRules.IsKeyOf(key, user, out var type));
        Assert.Equal("image/png", type);
        Assert.False(ImageRules.IsKeyOf(key, Guid.CreateVersion7(), out _));
        Assert.False(ImageRules.IsKeyOf(key.Replace(".png", ".svg", StringComparison.Ordinal), user, out _));
        Assert.False(ImageRules.IsKeyOf($"posts/{user}/../x.png", user, out _));
    }
}
