using Practices.Domain.Model;

namespace Practices.Api.Application;

// The registry's reads that take more than one value (a read of one value, such as the data-quality report's date,
// takes it as it is). Paging is the API's concern: a list query is the whole list, and the gRPC layer pages it.

/// <summary>The PCNs that exist on a date, optionally only one CCG's.</summary>
public sealed record ListPcns(DateOnly AsAt, Ccg? Ccg);

public sealed record GetPcn(string PcnId, DateOnly AsAt);

/// <summary>Practices as at a date; with a PCN or CCG, only its members then; with an ODS code, only the practice that has it.</summary>
public sealed record ListPractices(DateOnly AsAt, string? PcnId, Ccg? Ccg, string? OdsCode);

public sealed record GetPractice(string PracticeId, DateOnly AsAt);

/// <summary>A practice's list sizes, newest first; <see cref="Before"/> continues a previous page.</summary>
public sealed record ListListSizes(string PracticeId, DateOnly? Before);
