using System.Text.Json;
using SocialMedia.Api.Common;

namespace SocialMedia.Tests.Unit;

public sealed class TimestampFormatTests
{
    // The type carries its converter: no options needed, as in the API's own answers.
    private static string Write(DateTime time) => JsonSerializer.Serialize(new UtcTimestamp(time));

    [Fact]
    public void Times_are_written_as_utc_with_exactly_three_decimals_and_a_z()
    {
        var time = new DateTime(2026, 11, 28, 16, 45, 0, 120, DateTimeKind.Utc).AddTicks(9999);
        Assert.Equal("\"2026-11-28T16:45:00.120Z\"", Write(time));
    }

    [Fact]
    public void Whole_seconds_still_carry_their_milliseconds()
    {
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.Equal("\"2026-01-02T03:04:05.000Z\"", Write(time));
    }

    [Fact]
    public void Times_without_a_kind_are_taken_as_utc_and_local_times_are_converted()
    {
        var unspecified = new DateTime(2026, 11, 28, 16, 45, 0, 123, DateTimeKind.Unspecified);
        Assert.Equal("\"2026-11-28T16:45:00.123Z\"", Write(unspecified));

        var utc = new DateTime(2026, 11, 28, 16, 45, 0, 123, DateTimeKind.Utc);
        Assert.Equal("\"2026-11-28T16:45:00.123Z\"", Write(utc.ToLocalTime()));
    }

    [Fact]
    public void What_is_written_reads_back_as_the_same_utc_time()
    {
        var time = new DateTime(2026, 11, 28, 16, 45, 0, 123, DateTimeKind.Utc);
        DateTime read = JsonSerializer.Deserialize<UtcTimestamp>(Write(time));
        Assert.Equal(time, read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }
}
