using Grpc.Core;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// A malformed resource name is the caller's mistake (AIP-122): INVALID_ARGUMENT naming the field, never NOT_FOUND
/// (there is no such name to find) and never INTERNAL (a NUL byte once reached PostgreSQL, which rejected it). The
/// message quotes only a short prefix of what was sent, however long it was.
/// </summary>
public sealed class MalformedNameTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    public static TheoryData<string> MalformedPcnNames => new()
    {
        "pcns/*",
        "pcns/salutem\0",
        "pcns/sal utem",
        "pcns/" + new string('a', 64),
        "pcns/" + new string('x', 32 * 1024),
        "pcns/\u00e9",
    };

    [Theory]
    [MemberData(nameof(MalformedPcnNames))]
    public async Task A_malformed_pcn_name_is_an_invalid_argument_with_a_short_message(string name)
    {
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () => await _client.GetPcnAsync(new GetPcnRequest { Name = name }));

        error.Status.Detail.Length.ShouldBeLessThan(300);
        error.Status.Detail.ShouldNotContain("\0");
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.GetPcnAsync(new GetPcnRequest { Name = name }))).ShouldBe(["name"]);
    }

    [Fact]
    public async Task A_nul_byte_in_a_parent_or_a_write_is_an_invalid_argument()
    {
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListPracticeMembershipsAsync(
            new ListPracticeMembershipsRequest { Parent = "practices/LLR001\0" }))).ShouldBe(["parent"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListListSizesAsync(
            new ListListSizesRequest { Parent = "practices/LLR001\0" }))).ShouldBe(["parent"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR001\0",
            TargetPcn = "pcns/salutem",
            EffectiveDate = Date(2030, 4, 1),
            RequestId = NewRequestId(),
        }))).ShouldBe(["name"]);
    }
}
