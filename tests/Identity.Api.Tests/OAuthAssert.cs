using System.Net;
using System.Text.Json.Nodes;
using Shouldly;

namespace Identity.Api.Tests;

public static class OAuthAssert
{
    /// <summary>The token endpoint refused with the OAuth error (RFC 6749, 5.2): a 400 or 401 naming it, never a 500.</summary>
    public static async Task RefusedAsync(HttpResponseMessage response, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized], body);
        JsonNode.Parse(body)!["error"]!.GetValue<string>().ShouldBe(error, body);
    }
}
