using SocialMedia.AwsEmulators.Gateway;
using SocialMedia.AwsEmulators.Lambda;

// One executable, two roles, as the AppHost runs them: `lambda` is the Lambda service (the Runtime
// API each function polls, and the Invoke API), `gateway` is API Gateway in front of it.
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
