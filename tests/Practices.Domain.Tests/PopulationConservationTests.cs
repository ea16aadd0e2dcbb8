using Practices.Domain.Model;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

/// <summary>
/// Moving a practice must not create or destroy patients: LLR's total population on every date is the same before and
/// after any transfer or merge, whatever kinds of PCN the practice moves between (every founder sized, a founder of
/// unknown size, no founders at all) and whether the practice's own size is known. Checked over generated registries,
/// moves and dates, with the domain's own rules (<see cref="MembershipRules"/>, <see cref="MergeRules"/>) planning
/// each move and <see cref="PcnPopulation"/> computing each PCN.
/// </summary>
public class PopulationConservationTests
{
    private static readonly DateOnly[] Dates = [new(2019, 7, 1), new(2020, 4, 1), new(2021, 4, 1), new(2022, 10, 1), new(2024, 4, 1), new(2030, 1, 1)];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_sequence_of_transfers_and_merges_changes_the_total_population_on_any_date(int seed)
    {
        var random = new Random(seed);
        var registry = Registry.Generate(random);
        var totals = Dates.ToDictionary(date => date, registry.TotalOn);

        for (var move = 0; move < 12; move++)
        {
            var description = random.Next(4) == 0 ? registry.TryMerge(random) : registry.TryTransfer(random);
            if (description is null) continue;
            foreach (var date in Dates)
                registry.TotalOn(date).ShouldBe(totals[date], $"seed {seed}, after {description}, on {date:yyyy-MM-dd}: {registry.Describe(date)}");
        }
    }

    [Fact]
    public void A_practice_of_known_size_leaving_a_stated_pcn_takes_its_patients_with_it()
    {
        // Leicester City South is paid on its printed 35,417 (Walnut St has no size); The Hedges (LLR126, 6,013) leaves
        // it for a PCN whose every member is sized: 35,417 - 6,013 = 29,404 stay, and the other PCN gains 6,013.
        var registry = new Registry();
        registry.AddPcn("south", 35_417);
        registry.AddPcn("foxes", 41_000);
        registry.AddPractice("hedges", "south", 6_013);
        registry.AddPractice("other", "south", 24_891);
        registry.AddPractice("walnut", "south", size: null);
        registry.AddPractice("fox", "foxes", 41_000);

        registry.Transfer("hedges", "foxes", new DateOnly(2023, 4, 1));

        var south = registry.PopulationOn("south", new DateOnly(2023, 4, 1));
        south.Basis.ShouldBe(PopulationBasis.Stated);
        south.Population.ShouldBe(29_404);
        south.MovedPatients.ShouldBe(-6_013);
        south.StatedRemainder.ShouldBe(35_417 - 6_013 - 24_891);
        registry.PopulationOn("foxes", new DateOnly(2023, 4, 1)).Population.ShouldBe(47_013);
        registry.PopulationOn("south", new DateOnly(2023, 3, 31)).Population.ShouldBe(35_417);
    }

    [Fact]
    public void A_practice_of_unknown_size_moves_without_adjusting_either_side_and_is_reported()
    {
        var registry = new Registry();
        registry.AddPcn("south", 35_417);
        registry.AddPcn("foxes", 41_000);
        registry.AddPractice("walnut", "south", size: null);
        registry.AddPractice("other", "south", 30_904);
        registry.AddPractice("fox", "foxes", 41_000);

        registry.Transfer("walnut", "foxes", new DateOnly(2023, 4, 1));

        var south = registry.PopulationOn("south", new DateOnly(2023, 4, 1));
        var foxes = registry.PopulationOn("foxes", new DateOnly(2023, 4, 1));
        south.Population.ShouldBe(35_417);
        foxes.Population.ShouldBe(41_000);
        foxes.Basis.ShouldBe(PopulationBasis.Computed);
        south.UnsizedMoves.Single().Practice.Id.ShouldBe("walnut");
        foxes.UnsizedMoves.Single().Practice.Id.ShouldBe("walnut");
    }

    /// <summary>A small registry: PCNs, memberships and sizes, changed only through the domain's plans.</summary>
    private sealed class Registry
    {
        private readonly Dictionary<string, Pcn> _pcns = [];
        private readonly Dictionary<string, Practice> _practices = [];
        private readonly List<Membership> _memberships = [];
        private readonly List<ListSizeSnapshot> _sizes = [];

        public static Registry Generate(Random random)
        {
            var registry = new Registry();
            // Every kind of PCN: all founders sized (computed), one or more unsized (stated), and none at all.
            for (var pcn = 0; pcn < 6; pcn++) registry.AddPcn($"pcn{pcn}", random.Next(20_000, 60_000));
            for (var practice = 0; practice < 18; practice++)
            {
                var pcn = $"pcn{practice % 5}"; // pcn5 has no founders
                long? size = pcn == "pcn0" || random.Next(4) > 0 ? random.Next(2_000, 15_000) : null;
                registry.AddPractice($"p{practice:00}", pcn, size);
                if (size is not null && random.Next(3) == 0)
                    registry._sizes.Add(Size($"p{practice:00}", random.Next(2_000, 15_000), asAt: Dates[random.Next(1, Dates.Length)]));
            }
            return registry;
        }

        public void AddPcn(string id, long stated) => _pcns[id] = Pcn(id, stated);

        public void AddPractice(string id, string pcnId, long? size)
        {
            _practices[id] = Practice(id);
            _memberships.Add(Member(id, pcnId));
            if (size is { } registered) _sizes.Add(Size(id, registered));
        }

        public string Describe(DateOnly date) => string.Join("; ", _pcns.Keys.Select(id => PopulationOn(id, date)).Select(p =>
            $"{p.Pcn.Id} {p.Population} = {p.ComputedRegistered} + {p.StatedRemainder} [{string.Join(",", p.Members.Select(m => $"{m.Practice.Id}:{m.LatestSize?.RegisteredPatients}"))}]"
            + $" founders [{string.Join(",", p.Founders.Select(m => $"{m.Practice.Id}:{m.BaseSize?.RegisteredPatients}"))}]"));

        public long TotalOn(DateOnly date) => _pcns.Keys.Sum(id => PopulationOn(id, date).Population);

        public PcnPopulation PopulationOn(string pcnId, DateOnly date)
        {
            var pcn = _pcns[pcnId];
            var founders = _memberships.Where(m => m.PcnId == pcnId && m.Covers(pcn.StartedOn))
                .Select(m => new PcnFounder(_practices[m.PracticeId], m, BaseSize(m.PracticeId, pcn.StartedOn)))
                .ToList();
            var latest = _practices.Keys.Select(id => LatestSize(id, date)).OfType<ListSizeSnapshot>().ToDictionary(size => size.PracticeId);
            return PcnPopulation.Calculate(pcn, date, WithSizes(_memberships.Where(m => m.PcnId == pcnId && m.Covers(date)), date), founders, latest);
        }

        public string? TryTransfer(Random random)
        {
            var practice = _practices.Keys.ElementAt(random.Next(_practices.Count));
            var target = _pcns.Keys.ElementAt(random.Next(_pcns.Count));
            var date = Dates[random.Next(1, Dates.Length)].AddDays(random.Next(-40, 40));
            try
            {
                Transfer(practice, target, date);
                return $"transfer of {practice} to {target} from {date:yyyy-MM-dd}";
            }
            catch (Platform.Domain.Errors.RuleViolationException)
            {
                return null; // A move the rules refuse changes nothing.
            }
        }

        public void Transfer(string practiceId, string targetPcnId, DateOnly date)
        {
            var history = HistoryOf(practiceId);
            var plan = MembershipRules.PlanTransfer(_practices[practiceId], history, CommissionedBy(practiceId), _pcns[targetPcnId], date);
            if (plan.Ended is { } ended) _memberships[_memberships.FindIndex(m => m.PracticeId == practiceId && m.From == ended.From)] = ended;
            _memberships.Add(plan.Started);
        }

        public string? TryMerge(Random random)
        {
            var ids = _practices.Keys.OrderBy(_ => random.Next()).Take(random.Next(2, 4)).ToList();
            var date = Dates[random.Next(1, Dates.Length)].AddDays(random.Next(-40, 40));
            try
            {
                var plan = MergeRules.Plan(_practices[ids[0]], ids.Skip(1).Select(id => _practices[id]).ToList(),
                    ids.ToDictionary(id => id, HistoryOf), ids.ToDictionary(id => id, id => CommissionedBy(id)), _pcns,
                    ids.ToDictionary(id => id, id => (IReadOnlyList<ListSizeSnapshot>)_sizes.Where(size => size.PracticeId == id).ToList()), date);
                foreach (var closed in plan.ClosedPredecessors) _practices[closed.Id] = closed;
                foreach (var ended in plan.EndedMemberships)
                    _memberships[_memberships.FindIndex(m => m.PracticeId == ended.PracticeId && m.From == ended.From)] = ended;
                if (plan.SuccessorListSize is { } merged)
                {
                    _sizes.RemoveAll(size => size.PracticeId == merged.PracticeId && size.AsAt == merged.AsAt);
                    _sizes.Add(merged);
                }
                return $"merge of {string.Join(", ", ids.Skip(1))} into {ids[0]} from {date:yyyy-MM-dd}";
            }
            catch (Platform.Domain.Errors.RuleViolationException)
            {
                return null;
            }
        }

        private IReadOnlyList<Membership> HistoryOf(string practiceId) =>
            _memberships.Where(m => m.PracticeId == practiceId).OrderBy(m => m.From).ToList();

        // The size on the PCN's first day, else the first recorded after it.
        private ListSizeSnapshot? BaseSize(string practiceId, DateOnly firstDay) => LatestSize(practiceId, firstDay)
            ?? _sizes.Where(size => size.PracticeId == practiceId).MinBy(size => size.AsAt);

        private ListSizeSnapshot? LatestSize(string practiceId, DateOnly date) =>
            _sizes.Where(size => size.PracticeId == practiceId && size.AsAt <= date).MaxBy(size => size.AsAt);

        private List<PcnMemberSize> WithSizes(IEnumerable<Membership> memberships, DateOnly date) =>
            memberships.Select(m => new PcnMemberSize(_practices[m.PracticeId], m, LatestSize(m.PracticeId, date))).ToList();
    }
}
