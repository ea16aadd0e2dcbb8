using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>
/// A message flagged as gzip-compressed whose bytes do not inflate is a body that cannot be decoded: INVALID_ARGUMENT,
/// not UNKNOWN. No client library sends one, so the client here compresses with a provider that writes noise.
/// </summary>
public sealed class CorruptCompressionTests(FuzzFixture platform)
{
    [Fact]
    public async Task A_gzip_message_that_does_not_inflate_is_an_invalid_argument()
    {
        using var channel = GrpcChannel.ForAddress(platform.Endpoint("practices", "grpc"),
            new GrpcChannelOptions { CompressionProviders = [new NoiseCalledGzip()] });
        var client = new PracticeRegistryService.PracticeRegistryServiceClient(channel);
        var compressed = new Metadata
        {
            { "grpc-internal-encoding-request", "gzip" },
            { "Authorization", "Bearer " + await platform.TokenAsync("practices.read") },
        };

        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await client.GetPcnAsync(
            new GetPcnRequest { Name = "pcns/salutem" }, compressed, DateTime.UtcNow.AddSeconds(10), TestContext.Current.CancellationToken));

        error.Status.Detail.ShouldContain("could not be parsed");
    }

    /// <summary>Calls itself gzip and writes bytes no gzip reader accepts.</summary>
    private sealed class NoiseCalledGzip : ICompressionProvider
    {
        public string EncodingName => "gzip";

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new Noise(stream);

        public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress);

        private sealed class Noise(Stream inner) : Stream
        {
            public override void Write(byte[] buffer, int offset, int count) => inner.Write([.. Enumerable.Repeat((byte)0x5A, count)]);

            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
