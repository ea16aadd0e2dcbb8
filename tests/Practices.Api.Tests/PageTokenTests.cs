using System.Buffers.Text;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;

namespace Practices.Api.Tests;

/// <summary>
/// Page tokens are opaque and signed: one the registry did not issue, or one it issued with anything changed, is
/// INVALID_ARGUMENT naming page_token, never a page of something else.
/// </summary>
public sealed class PageTokenTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    [Fact]
    public async Task A_forged_token_in_the_old_readable_format_is_refused()
    {
        // What a token used to be: base64 of the query and the last key, which a caller could write for any date.
        var forged = Convert.ToBase64String("listSizes|LLR078\n2020-01-01"u8.ToArray());

        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListListSizesAsync(new ListListSizesRequest { Parent = "practices/LLR078", PageToken = forged })))
            .ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var first = await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 3 });
        first.NextPageToken.ShouldNotBeEmpty();
        var bytes = Base64Url.DecodeFromChars(first.NextPageToken);
        bytes[1] ^= 1; // the first byte of the last key returned: another PCN to start after

        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 3, PageToken = Base64Url.EncodeToString(bytes) })))
            .ShouldBe(["page_token"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 3, PageToken = first.NextPageToken[..^2] })))
            .ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task The_token_issued_is_accepted_and_leads_to_the_next_page()
    {
        var first = await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 3 });
        var second = await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 3, PageToken = first.NextPageToken });

        second.Pcns.Select(pcn => pcn.Name).ShouldNotBeEmpty();
        second.Pcns.Select(pcn => pcn.Name).Intersect(first.Pcns.Select(pcn => pcn.Name)).ShouldBeEmpty();
    }
}
