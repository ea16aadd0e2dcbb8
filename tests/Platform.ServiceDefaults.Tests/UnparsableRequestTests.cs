using Google.Protobuf;
using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.ServiceDefaults.Grpc;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>A body that does not decode is INVALID_ARGUMENT naming, where it can, the field that failed.</summary>
public sealed class UnparsableRequestTests
{
    private static readonly byte[] NotUtf8 = [0xC3, 0x28, 0xFF];

    [Fact]
    public void A_top_level_string_that_is_not_utf8_is_named()
    {
        var body = Field(1, NotUtf8); // GetPcnRequest.name

        UnparsableRequests.FieldThatFailsToDecode(GetPcnRequest.Descriptor, body).ShouldBe("name");
    }

    [Fact]
    public void A_nested_string_is_named_by_its_path()
    {
        var claim = Field(ArrsClaim.Descriptor.FindFieldByName("year").FieldNumber, NotUtf8);
        var claimNumber = CreateArrsClaimRequest.Descriptor.FindFieldByName("claim").FieldNumber;
        var body = Field(claimNumber, claim);

        UnparsableRequests.FieldThatFailsToDecode(CreateArrsClaimRequest.Descriptor, body).ShouldBe("claim.year");
    }

    [Fact]
    public void A_repeated_string_is_named_with_its_index()
    {
        var predecessors = MergePracticesRequest.Descriptor.FindFieldByName("predecessors").FieldNumber;
        byte[] body = [.. Field(predecessors, "practices/LLR001"u8.ToArray()), .. Field(predecessors, NotUtf8)];

        UnparsableRequests.FieldThatFailsToDecode(MergePracticesRequest.Descriptor, body).ShouldBe("predecessors[1]");
    }

    [Fact]
    public void A_field_cut_short_is_named()
    {
        byte[] body = [.. Field(1, "pcns/salutem"u8.ToArray())[..5]];

        UnparsableRequests.FieldThatFailsToDecode(GetPcnRequest.Descriptor, body).ShouldBe("name");
    }

    [Fact]
    public void The_marshaller_answers_invalid_argument_for_a_body_that_does_not_decode()
    {
        var marshaller = UnparsableRequests.Decoding(Marshallers.Create(
            (GetPcnRequest request) => request.ToByteArray(), bytes => GetPcnRequest.Parser.ParseFrom(bytes)));

        var error = Should.Throw<RpcException>(() => marshaller.ContextualDeserializer(new Payload(Field(1, NotUtf8))));

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain("could not be parsed");
        var violation = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single();
        violation.Field.ShouldBe("name");
    }

    [Fact]
    public void A_body_that_decodes_is_untouched()
    {
        var marshaller = UnparsableRequests.Decoding(Marshallers.Create(
            (GetPcnRequest request) => request.ToByteArray(), bytes => GetPcnRequest.Parser.ParseFrom(bytes)));

        marshaller.ContextualDeserializer(new Payload(new GetPcnRequest { Name = "pcns/salutem" }.ToByteArray())).Name.ShouldBe("pcns/salutem");
    }

    /// <summary>A received body, as grpc-dotnet hands it to a marshaller.</summary>
    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => bytes.ToArray();

        public override System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }

    /// <summary>A length-delimited field on the wire: its tag, its length and its bytes.</summary>
    private static byte[] Field(int number, byte[] value)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
        output.Flush();
        return stream.ToArray();
    }
}
