using Google.Protobuf;
using Google.Protobuf.Reflection;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.ServiceDefaults.Audit;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// What the audit trail counts as a write, from the services' own descriptors: exactly the RPCs that take a
/// request id, each naming the resource its records are about.
/// </summary>
public sealed class AuditedWritesTests
{
    private static readonly ServiceDescriptor[] Services =
        [PracticesReflection.Descriptor.Services.Single(), FinanceReflection.Descriptor.Services.Single()];

    [Fact]
    public void The_writes_of_both_services_are_the_rpcs_with_a_request_id_and_each_names_its_resource()
    {
        var writes = Services.SelectMany(service => service.Methods)
            .Select(method => (method.Name, Shape: AuditedWrites.ShapeOf(Empty(method.InputType))))
            .Where(method => method.Shape is not null)
            .ToList();

        writes.Select(write => write.Name).ShouldBe(
            ["TransferPractice", "CreateListSize", "MergePractices", "CreateArrsClaim", "UpdateFundingRate", "CloseFinancialYear"],
            ignoreOrder: true);
        writes.ShouldAllBe(write => write.Shape!.NamesResource);
    }

    [Fact]
    public void Each_write_is_about_the_resource_its_request_names()
    {
        Resource(new TransferPracticeRequest { Name = "practices/LLR080", TargetPcn = "pcns/salutem" }).ShouldBe("practices/LLR080");
        Resource(new CreateListSizeRequest { Parent = "practices/LLR080", ListSize = new ListSize { Name = "x" } }).ShouldBe("practices/LLR080");
        Resource(new MergePracticesRequest { Successor = "practices/LLR001", Predecessors = { "practices/LLR002" } }).ShouldBe("practices/LLR001");
        Resource(new CreateArrsClaimRequest { Parent = "pcns/salutem" }).ShouldBe("pcns/salutem");
        Resource(new UpdateFundingRateRequest { FundingRate = new FundingRate { Name = "fundingStreams/core-pcn-funding/rates/2023-24" } })
            .ShouldBe("fundingStreams/core-pcn-funding/rates/2023-24");
        Resource(new UpdateFundingRateRequest()).ShouldBe("");
        Resource(new CloseFinancialYearRequest { Name = "financialYears/2023-24" }).ShouldBe("financialYears/2023-24");
    }

    [Fact]
    public void Reads_are_not_writes()
    {
        AuditedWrites.ShapeOf(new GetPcnRequest { Name = "pcns/salutem" }).ShouldBeNull();
        AuditedWrites.ShapeOf(new Llr.Audit.V1.ListAuditRecordsRequest()).ShouldBeNull();
    }

    private static string Resource(IMessage request) => AuditedWrites.ShapeOf(request)!.Resource(request);

    private static IMessage Empty(MessageDescriptor type) => (IMessage)Activator.CreateInstance(type.ClrType)!;
}
