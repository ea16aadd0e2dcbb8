// Integration events published by the Practices & PCN registry, version 1.
//
// Versioning: the namespace carries the version and MassTransit's message URN is built from it
// (urn:message:Platform.Contracts.Practices.V1:PracticeTransferred). A breaking change is a new V2 type published
// beside V1 until every consumer has moved; additive, optional fields may be added to V1.
//
// Each event carries what a consumer needs to recompute without calling the registry back: the state of every PCN
// the change touched, as at the date it takes effect (AffectedPcns), and each such PCN's states from that date on
// (AffectedPcnsTimeline). The timeline was added to V1 as an optional field: one snapshot cannot tell a consumer that
// holds populations by date how a backdated change plays out past a later one.
namespace Platform.Contracts.Practices.V1;

/// <summary>A practice moved from one PCN to another from <see cref="EffectiveFrom"/>.</summary>
public sealed record PracticeTransferred(
    string PracticeId,
    string? OdsCode,
    string? FromPcnId,
    string ToPcnId,
    DateOnly EffectiveFrom,
    IReadOnlyList<PcnSnapshot> AffectedPcns,
    DateTimeOffset OccurredAt,
    IReadOnlyList<PcnSnapshot>? AffectedPcnsTimeline = null);

/// <summary>A practice's list size was recorded for <see cref="AsAt"/>.</summary>
public sealed record ListSizeRecorded(
    string PracticeId,
    string? OdsCode,
    DateOnly AsAt,
    long RegisteredPatients,
    long? WeightedPatients,
    IReadOnlyList<PcnSnapshot> AffectedPcns,
    DateTimeOffset OccurredAt,
    IReadOnlyList<PcnSnapshot>? AffectedPcnsTimeline = null);

/// <summary>
/// Practices merged: the predecessors closed the day before <see cref="EffectiveFrom"/> and the successor, which
/// keeps its code, took over their patients.
/// </summary>
public sealed record PracticesMerged(
    string SuccessorPracticeId,
    string? SuccessorOdsCode,
    IReadOnlyList<string> PredecessorPracticeIds,
    DateOnly EffectiveFrom,
    IReadOnlyList<PcnSnapshot> AffectedPcns,
    DateTimeOffset OccurredAt,
    IReadOnlyList<PcnSnapshot>? AffectedPcnsTimeline = null);

/// <summary>
/// A PCN as at a date: its members, their latest list sizes, and the population to use for it. In a timeline, the
/// PCN's state from <see cref="AsAt"/> until the PCN's next snapshot: a consumer replaces what it holds for the PCN
/// from the timeline's first date with the timeline, except on dates a newer version already covers.
/// </summary>
/// <param name="Version">
/// The PCN's version after the write (added to V1; 0 from a registry that had none). Writes touching a PCN are
/// serialised in the registry and each raises its version, so on any date the snapshot with the highest version is
/// the registry's answer, in whatever order events arrive: a timeline of version v from date D says what the PCN is
/// on every date from D, unless a higher version says otherwise from a date of its own.
/// </param>
public sealed record PcnSnapshot(
    string PcnId,
    string CcgId,
    DateOnly AsAt,
    IReadOnlyList<PcnMemberSize> Members,
    long StatedPopulation,
    long ComputedRegisteredPatients,
    long? ComputedWeightedPatients,
    long Population,
    PopulationBasis PopulationBasis,
    long Version = 0);

/// <summary>One member practice and its latest list size on or before the snapshot date (null when unknown).</summary>
public sealed record PcnMemberSize(string PracticeId, long? RegisteredPatients, long? WeightedPatients);

public enum PopulationBasis
{
    /// <summary>Every member's size is known: the population is their sum.</summary>
    Computed = 1,

    /// <summary>Some member's size is unknown: the population is the documents' stated total.</summary>
    Stated = 2,
}
