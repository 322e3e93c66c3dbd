namespace SocialMedia.Api.Common;

internal static class TimeProviderExtensions
{
    /// <summary>
    /// Now, cut to whole milliseconds: what is stored is exactly what clients see, so a cursor
    /// built from a response value lands on the row it came from.
    /// </summary>
    public static DateTime UtcNowMilliseconds(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
