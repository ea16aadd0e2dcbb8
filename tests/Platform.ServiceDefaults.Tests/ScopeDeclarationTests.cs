using System.Reflection;
using Google.Protobuf.Reflection;
using Platform.ServiceDefaults.Security;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// Every rpc of every service of the platform declares the scope it needs. The services also refuse to start
/// otherwise; this says so at build-and-test time, for each .proto under protos/llr (the project compiles them all).
/// </summary>
public sealed class ScopeDeclarationTests
{
    private static readonly string[] KnownScopes =
    [
        "practices.read", "practices.write", "practices.audit",
        "finance.read", "finance.claims.write", "finance.rates.write", "finance.years.write", "finance.audit",
    ];

    public static IEnumerable<ServiceDescriptor> PlatformServices() =>
        typeof(ScopeDeclarationTests).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(FileDescriptor))
            .Select(property => (FileDescriptor)property!.GetValue(null)!)
            .Where(file => file.Package.StartsWith("llr.", StringComparison.Ordinal) && file.Package != "llr.guarded.v1")
            .SelectMany(file => file.Services)
            .DistinctBy(service => service.FullName);

    [Fact]
    public void Every_rpc_of_every_service_declares_a_known_scope()
    {
        var services = PlatformServices().ToList();
        services.Select(s => s.FullName).ShouldContain("llr.practices.v1.PracticeRegistryService");
        services.Select(s => s.FullName).ShouldContain("llr.finance.v1.FinanceService");

        var undeclared = services.SelectMany(s => s.Methods).Where(m => MethodScopes.DeclaredScope(m) is null).Select(m => m.FullName).ToList();
        undeclared.ShouldBeEmpty("every rpc needs `option (llr.auth.v1.required_scope) = \"...\";`");
        var unknown = services.SelectMany(s => s.Methods).Where(m => !KnownScopes.Contains(MethodScopes.DeclaredScope(m)))
            .Select(m => $"{m.FullName}: {MethodScopes.DeclaredScope(m)}").ToList();
        unknown.ShouldBeEmpty("a scope the token service does not grant would make the rpc uncallable");
    }

    [Fact]
    public void Scopes_follow_the_contract_reads_read_and_each_write_its_own()
    {
        var scopes = PlatformServices().SelectMany(s => s.Methods).ToDictionary(m => m.FullName, m => MethodScopes.DeclaredScope(m));

        scopes["llr.practices.v1.PracticeRegistryService.GetPcn"].ShouldBe("practices.read");
        scopes["llr.practices.v1.PracticeRegistryService.TransferPractice"].ShouldBe("practices.write");
        scopes["llr.practices.v1.PracticeRegistryService.CreateListSize"].ShouldBe("practices.write");
        scopes["llr.practices.v1.PracticeRegistryService.MergePractices"].ShouldBe("practices.write");
        scopes["llr.finance.v1.FinanceService.GetPcnAllocation"].ShouldBe("finance.read");
        scopes["llr.finance.v1.FinanceService.CreateArrsClaim"].ShouldBe("finance.claims.write");
        scopes["llr.finance.v1.FinanceService.UpdateFundingRate"].ShouldBe("finance.rates.write");
        scopes["llr.finance.v1.FinanceService.CloseFinancialYear"].ShouldBe("finance.years.write");
        // Every Get and List reads.
        scopes.Where(s => s.Key.Split('.')[^1] is var name && (name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal))
                && !name.StartsWith("ListAudit", StringComparison.Ordinal))
            .ShouldAllBe(s => s.Value!.EndsWith(".read"));
    }
}
