using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Domain.Reports;

public sealed record PcnTotalCheck(string PcnId, long StatedTotal, long ComputedTotal, int PracticesWithoutSize, long? Difference);

public sealed record DuplicateName(string Name, IReadOnlyList<string> PracticeIds);

public sealed record SizeRuleException(string PcnId, long Population, PopulationBasis Basis, SizeStatus Status);

/// <summary>
/// A practice of unknown size that joined (or left) a PCN since its first day: the PCN's population was not adjusted
/// for it, since no figure says by how much.
/// </summary>
public sealed record UnsizedMove(string PracticeId, string PcnId, bool Joined);

/// <summary>
/// How the registry's data stands against the documents and the rules on a date: computed against stated totals,
/// practices lacking a code or a size, names that do not identify a practice on their own, and PCNs outside the size rule.
/// </summary>
public sealed record DataQualityReport(
    DateOnly AsAt,
    IReadOnlyList<PcnTotalCheck> PcnTotals,
    IReadOnlyList<string> PracticesWithoutCode,
    IReadOnlyList<string> PracticesWithoutSize,
    IReadOnlyList<DuplicateName> DuplicateNames,
    IReadOnlyList<SizeRuleException> SizeRuleExceptions,
    IReadOnlyList<UnsizedMove> UnsizedMoves)
{
    /// <param name="pcns">Every PCN as at the date.</param>
    /// <param name="openPractices">Practices open on the date, each with its latest size on or before it.</param>
    public static DataQualityReport Build(DateOnly asAt, IReadOnlyList<PcnPopulation> pcns, IReadOnlyList<(Practice Practice, ListSizeSnapshot? LatestSize)> openPractices)
    {
        var totals = pcns
            .Select(pcn => new PcnTotalCheck(pcn.Pcn.Id, pcn.StatedTotal, pcn.ComputedRegistered, pcn.PracticesWithoutSize, pcn.DifferenceFromStated))
            .ToList();

        var exceptions = pcns
            .Where(pcn => pcn.SizeStatus != SizeStatus.WithinRange)
            .Select(pcn => new SizeRuleException(pcn.Pcn.Id, pcn.Population, pcn.Basis, pcn.SizeStatus))
            .ToList();

        // Names compare case- and space-insensitively: "Forest House" in two PCNs is the trap the documents set.
        var duplicates = openPractices
            .GroupBy(entry => NormaliseName(entry.Practice.Name))
            .Where(group => group.Count() > 1)
            .Select(group => new DuplicateName(group.First().Practice.Name, group.Select(entry => entry.Practice.Id).Order().ToList()))
            .OrderBy(duplicate => duplicate.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

        return new DataQualityReport(
            asAt,
            totals,
            openPractices.Where(entry => entry.Practice.OdsCode is null).Select(entry => entry.Practice.Id).Order().ToList(),
            openPractices.Where(entry => entry.LatestSize is null).Select(entry => entry.Practice.Id).Order().ToList(),
            duplicates,
            exceptions,
            pcns.SelectMany(pcn => pcn.UnsizedMoves.Select(move =>
                    new UnsizedMove(move.Practice.Id, pcn.Pcn.Id, Joined: pcn.Members.Any(member => member.Practice.Id == move.Practice.Id))))
                .OrderBy(move => move.PracticeId, StringComparer.Ordinal).ThenBy(move => move.PcnId, StringComparer.Ordinal)
                .ToList());
    }

    private static string NormaliseName(string name) =>
        string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
