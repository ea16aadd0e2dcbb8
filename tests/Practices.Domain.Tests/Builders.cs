using Practices.Domain.Model;

namespace Practices.Domain.Tests;

/// <summary>Small, readable test data: practices, PCNs and memberships with only what a test cares about.</summary>
internal static class Builders
{
    public static readonly DateOnly PcnsStarted = new(2019, 7, 1);

    public static Practice Practice(string id, string? ods = null, string? name = null, DateOnly? closedOn = null) =>
        new(id, ods, name ?? $"Practice {id}", [], closedOn, null, Version: 1);

    public static Pcn Pcn(string id, params long[] statedParts) =>
        new(id, $"PCN {id}", Ccg.LeicesterCity, "Dr Example",
            statedParts.Select((population, index) => new StatedPopulationPart(statedParts.Length == 1 ? "" : $"part {index + 1}", population, new DateOnly(2019, 6, 20), "test:1")).ToList(),
            PcnsStarted, Version: 1);

    public static Pcn Pcn(string id, Ccg ccg) => Pcn(id) with { Ccg = ccg };

    /// <summary>A practice commissioned by one CCG from the Appendix 3 date on.</summary>
    public static IReadOnlyList<Commission> CommissionedBy(string practiceId, Ccg ccg = Ccg.LeicesterCity) =>
        [new Commission(practiceId, ccg, new DateOnly(2019, 6, 20), To: null)];

    public static Membership Member(string practiceId, string pcnId, DateOnly? from = null, DateOnly? to = null) =>
        new(practiceId, pcnId, from ?? PcnsStarted, to, MembershipReason.Seed);

    public static ListSizeSnapshot Size(string practiceId, long registered, long? weighted = null, DateOnly? asAt = null) =>
        new(practiceId, asAt ?? new DateOnly(2019, 6, 20), registered, weighted, null);
}
