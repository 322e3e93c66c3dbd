using System.Diagnostics;
using System.Text;
using SocialMedia.AwsEmulators.Gateway;

namespace SocialMedia.Tests.Unit;

/// <summary>The API Gateway emulator's rules that a whole AppHost run would hit only by chance.</summary>
public sealed class ApiGatewayEmulatorTests
{
    private static readonly RouteTable s_routes = new(
    [
        new GatewayRoute { Method = "GET", Path = "/api/v1/posts/{id}", Function = "posts" },
        new GatewayRoute { Method = "PUT", Path = "/api/v1/posts/{id}", Function = "posts", RequiresAuth = true },
        new GatewayRoute { Method = "POST", Path = "/api/v1/posts/upload-url", Function = "posts", RequiresAuth = true },
        new GatewayRoute { Method = "POST", Path = "/api/v1/posts/{post_id}/likes", Function = "likes", RequiresAuth = true },
    ]);

    [Fact]
    public void A_literal_segment_wins_over_a_parameter_at_the_same_place()
    {
        var (routes, parameters) = s_routes.Match("/api/v1/posts/upload-url");
        Assert.Equal("POST", Assert.Single(routes).Method);
        Assert.Empty(parameters);
    }

    [Fact]
    public void A_parameter_takes_its_segment_decoded_and_all_methods_of_the_path_come_back()
    {
        var (routes, parameters) = s_routes.Match("/api/v1/posts/a%20b");
        Assert.Equal(["GET", "PUT"], routes.Select(r => r.Method).Order().ToArray());
        Assert.Equal("a b", parameters["id"]);
    }

    [Theory]
    [InlineData("/api/v1/posts")]
    [InlineData("/api/v1/posts/1/likes/2")]
    [InlineData("/api/v2/posts/1")]
    public void A_path_of_no_route_matches_nothing(string path) => Assert.Empty(s_routes.Match(path).Routes);

    [Fact]
    public void A_policy_allows_what_an_allow_covers_unless_a_deny_covers_it_too()
    {
        var policy = AuthorizerPolicy.Parse(Encoding.UTF8.GetBytes("""
            {"principalId":"u1","context":{"user_id":"u1"},"policyDocument":{"Version":"2012-10-17","Statement":[
              {"Action":"execute-api:Invoke","Effect":"Allow","Resource":["arn:aws:execute-api:us-east-1:000000000000:local/local/*/*"]},
              {"Action":"execute-api:Invoke","Effect":"Deny","Resource":"arn:aws:execute-api:us-east-1:000000000000:local/local/DELETE/api/v1/auth/logout"}]}}
            """))!;

        Assert.True(policy.Allows("arn:aws:execute-api:us-east-1:000000000000:local/local/GET/api/v1/auth/me"));
        Assert.False(policy.Allows("arn:aws:execute-api:us-east-1:000000000000:local/local/DELETE/api/v1/auth/logout"));
        Assert.False(policy.Allows("arn:aws:execute-api:us-east-1:000000000000:local/prod/GET/api/v1/auth/me"));
        Assert.Equal("u1", policy.RequestContext()["user_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_policy_without_statements_or_an_answer_that_is_not_one_allows_nothing()
    {
        Assert.False(AuthorizerPolicy.Parse("""{"principalId":"u1","policyDocument":{"Statement":[]}}"""u8.ToArray())!.Allows("arn:aws:execute-api:x"));
        Assert.Null(AuthorizerPolicy.Parse("not json"u8.ToArray()));
    }

    [Fact]
    public void The_trace_header_is_the_spans_trace_in_xrays_form_with_the_span_as_parent()
    {
        using var activity = new Activity("gateway").SetIdFormat(ActivityIdFormat.W3C).Start();
        var header = XRay.TraceHeader(activity);
        var trace = activity.TraceId.ToHexString();
        Assert.Equal($"Root=1-{trace[..8]}-{trace[8..]};Parent={activity.SpanId.ToHexString()};Sampled=1", header);
        Assert.Equal($"1-{trace[..8]}-{trace[8..]}", XRay.TraceId(header));
        Assert.Equal(trace, XRay.W3CTraceId(header));
    }
}
