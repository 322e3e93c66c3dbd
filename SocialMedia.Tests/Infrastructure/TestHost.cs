namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The trait of tests that need the API in the test process: they read its services or its log
/// records, or listen to its activities. CI runs every other test a second time against the
/// published Native AOT executable (SOCIALMEDIA_API_DIR), with the filter <c>Host!=InProcess</c>.
/// </summary>
public static class TestHost
{
    public const string Trait = "Host";
    public const string InProcessOnly = "InProcess";
}
