using Finance.Domain.Model;

namespace Finance.Domain.Reconciliation;

/// <summary>
/// The base population a year's published figures were computed on, for one basis. The document never prints it,
/// but each published figure P is a whole number of pounds, so rate × base × factor lies within a pound of it: the
/// figure pins the base to the open interval ((P − 1) / (rate × factor), (P + 1) / (rate × factor)). Where several
/// lines' intervals overlap, the overlap is the document's base, found from the figures alone.
/// </summary>
public sealed record DocumentBase(
    PatientBasis Basis,
    bool Established,
    decimal Lower,
    decimal Upper,
    IReadOnlyList<string> AgreeingStreams,
    string Explanation)
{
    public decimal Population => (Lower + Upper) / 2m;

    /// <summary>Only one line on its basis: the base comes from that line, so reproducing it proves nothing.</summary>
    public bool ByConstruction => Established && AgreeingStreams.Count == 1;

    public static DocumentBase Find(PatientBasis basis, IReadOnlyList<PublishedLine> lines)
    {
        var intervals = lines.Select(line => (line.StreamId, Low: line.ImpliedBase(-1m), High: line.ImpliedBase(+1m))).ToList();
        if (intervals.Count == 0)
            return new DocumentBase(basis, false, 0, 0, [], "No published line on this basis.");

        // The point inside the most intervals: it lies just after some interval's lower end.
        var best = intervals
            .Select(candidate => intervals.Where(other => other.Low <= candidate.Low && candidate.Low < other.High).ToList())
            .OrderByDescending(agreeing => agreeing.Count)
            .First();
        var lower = best.Max(interval => interval.Low);
        var upper = best.Min(interval => interval.High);
        var agreeing = best.Select(interval => interval.StreamId).ToList();

        if (intervals.Count == 1)
            return new DocumentBase(basis, true, lower, upper, agreeing,
                $"{agreeing[0]} is the only published line paid per {Describe(basis)} patient: the base is the one its figure implies.");
        if (agreeing.Count == 1)
            return new DocumentBase(basis, false, 0, 0, [],
                $"The {intervals.Count} published lines paid per {Describe(basis)} patient each imply a different base; no two agree, so the document's base cannot be recovered.");
        return new DocumentBase(basis, true, lower, upper, agreeing,
            $"{agreeing.Count} of {intervals.Count} published lines paid per {Describe(basis)} patient fit one base population between {lower:N2} and {upper:N2}.");
    }

    public static string Describe(PatientBasis basis) => basis == PatientBasis.Weighted ? "weighted" : "registered";
}

/// <summary>A published figure and the rate and factor the document computed it with.</summary>
public sealed record PublishedLine(string StreamId, decimal Published, decimal RatePerHead, decimal PartYearFactor)
{
    /// <summary>(Published + offset) / (rate × factor): offset 0 is the base this figure alone implies.</summary>
    public decimal ImpliedBase(decimal offset) => (Published + offset) / (RatePerHead * PartYearFactor);
}
