using SocialMedia.AwsEmulators.Gateway;
using SocialMedia.AwsEmulators.Lambda;

namespace SocialMedia.AwsEmulators;

// A named class rather than top-level statements: the tests reference this project and the API,
// and two global `Program` types would collide there.
public static class EmulatorProgram
{
    /// <summary>
    /// One executable, two roles, as the AppHost runs them: <c>lambda</c> is the Lambda service (the
    /// Runtime API each function polls, and the Invoke API), <c>gateway</c> is API Gateway in front of it.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        var role = args.FirstOrDefault();
        if (role is not ("lambda" or "gateway"))
        {
            await Console.Error.WriteLineAsync("usage: SocialMedia.AwsEmulators lambda|gateway");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder(args.Skip(1).ToArray());
        builder.AddServiceDefaults();
        if (role == "lambda")
        {
            builder.AddLambdaServiceEmulator();
        }
        else
        {
            builder.AddApiGatewayEmulator();
        }

        var app = builder.Build();
        app.MapGet("/_emulator/health", () => TypedResults.Ok("Healthy"));
        if (role == "lambda")
        {
            app.MapLambdaServiceEmulator();
        }
        else
        {
            app.MapApiGatewayEmulator();
        }

        await app.RunAsync();
        return 0;
    }
}
