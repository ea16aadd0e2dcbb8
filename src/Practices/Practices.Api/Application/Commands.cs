namespace Practices.Api.Application;

/// <summary>Move a practice to another PCN from a date. <see cref="ETag"/>, when given, must match the practice's current one.</summary>
public sealed record TransferPractice(string PracticeId, string TargetPcnId, DateOnly EffectiveFrom, string? ETag);

public sealed record RecordListSize(string PracticeId, DateOnly AsAt, long RegisteredPatients, long? WeightedPatients);

public sealed record MergePractices(string SuccessorId, IReadOnlyList<string> PredecessorIds, DateOnly EffectiveFrom);
