namespace Finance.Api.Tests;

/// <summary>
/// The tests that change what allocations are computed from (a funding rate, the registry's list sizes and
/// memberships) or stop the registry. They run one at a time, so each can compare LLR-wide figures before and after its
/// own change, and no registry write meets the registry being down; the read-only tests run beside them, since every
/// figure they check is consistent within one answer.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AllocationWriters
{
    public const string Name = "Writes that move allocations";
}
