namespace Practices.Domain.Model;

/// <summary>
/// A practice's list size on a date: registered patients, and the weighted (Carr-Hill) list where known.
/// <see cref="Source"/> names the document line a seeded figure came from, or how it was derived.
/// </summary>
public sealed record ListSizeSnapshot(string PracticeId, DateOnly AsAt, long RegisteredPatients, long? WeightedPatients, string? Source);
