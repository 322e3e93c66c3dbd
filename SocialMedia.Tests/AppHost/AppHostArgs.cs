namespace SocialMedia.Tests.AppHost;

/// <summary>
/// Command-line settings for an AppHost under test: a forced mode and a data folder of its own, so a test
/// never shares PostgreSQL or s3rver data with a developer's running AppHost or with another test.
/// </summary>
internal sealed class AppHostArgs : IDisposable
{
    public AppHostArgs(string mode)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"socialmedia-apphost-test-{Guid.NewGuid():N}");
        Args = [$"--LocalInfra:Mode={mode}", $"--LocalInfra:DataDirectory={DataDirectory}"];
    }

    public string DataDirectory { get; }

    public string[] Args { get; }

    public void Dispose()
    {
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
