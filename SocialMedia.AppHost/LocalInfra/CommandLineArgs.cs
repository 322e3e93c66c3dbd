namespace SocialMedia.AppHost.LocalInfra;

internal static class CommandLineArgs
{
    /// <summary>Appends each value as its own argument (<c>Args.Add(array)</c> would add the array as one).</summary>
    public static void AddEach(this IList<object> args, params IEnumerable<object> values)
    {
        foreach (var value in values)
        {
            args.Add(value);
        }
    }
}
