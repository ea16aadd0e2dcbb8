using System.Net;
using System.Net.Http.Headers;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>
/// The 5-byte gRPC frame around a message (compressed flag, big-endian length) is the body too: one that is malformed
/// is INVALID_ARGUMENT, where grpc-dotnet alone answers UNKNOWN or INTERNAL. No gRPC client sends one, so these are
/// sent as raw HTTP/2 requests.
/// </summary>
public sealed class FramingTests(FuzzFixture platform)
{
    public static TheoryData<string, byte[]> MalformedFrames => new()
    {
        { "compressed flag 2", [2, 0, 0, 0, 0] },
        { "length 2^31", [0, 0x80, 0, 0, 0] },
        { "cut inside the header", [0, 0, 0] },
        { "ends inside the message", [0, 0, 0, 0, 9, 10, 1] },
        { "runs on after the message", [0, 0, 0, 0, 0, 0] },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_frame_is_an_invalid_argument(string frame, byte[] body)
    {
        var (status, message) = await SendAsync(body);

        status.ShouldBe("3", $"{frame}: {message}");
        message.ShouldContain("could not be parsed");
    }

    [Fact]
    public async Task A_well_framed_request_is_answered_as_before()
    {
        byte[] message = [0x0A, 0x0C, .. "pcns/salutem"u8];

        (await SendAsync([0, 0, 0, 0, (byte)message.Length, .. message])).Status.ShouldBe("0");
    }

    private async Task<(string Status, string Message)> SendAsync(byte[] body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(platform.Endpoint("practices", "grpc"), "/llr.practices.v1.PracticeRegistryService/GetPcn"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        // As a caller allowed to read: the frame is checked after the token, so an unauthenticated caller learns nothing.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync("practices.read"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await client.SendAsync(request, timeout.Token);
        await response.Content.ReadAsByteArrayAsync(timeout.Token);
        // A trailers-only answer carries the status in its headers; otherwise it is in the trailers.
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.TrailingHeaders.TryGetValues(name, out values) ? values.Single() : "";
        return (Header("grpc-status"), Uri.UnescapeDataString(Header("grpc-message")));
    }
}
