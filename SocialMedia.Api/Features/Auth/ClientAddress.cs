using System.Net;

namespace SocialMedia.Api.Features.Auth;

internal static class ClientAddress
{
    // Behind API Gateway the Lambda host sets RemoteIpAddress from the event's sourceIp.
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();
}
