using SocialMedia.AppHost.Api;
using SocialMedia.AppHost.LocalInfra;
using SocialMedia.AppHost.Web;

namespace SocialMedia.AppHost;

// A named class rather than top-level statements: the test project references both the AppHost and
// the API, and two global `Program` types would collide there.
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        var options = LocalInfraOptions.From(builder.Configuration, builder.AppHostDirectory);

        LocalInfrastructure infrastructure;
        try
        {
            infrastructure = builder.AddLocalInfrastructure(options);
        }
        catch (LocalInfraException e)
        {
            // Something to install or configure on this machine: one line that says what, not a stack trace.
            await Console.Error.WriteLineAsync($"SocialMedia.AppHost: {e.Message}");
            return 1;
        }

        var migrations = builder.AddSocialMediaMigrations(infrastructure);
        var api = options.ApiHost == ApiHostKind.Lambda
            ? builder.AddSocialMediaLambdaStack(infrastructure, migrations, options)
            : builder.AddSocialMediaApi(infrastructure, migrations, options);
        builder.AddWebApp(api, options);

        await builder.Build().RunAsync();
        return 0;
    }
}
