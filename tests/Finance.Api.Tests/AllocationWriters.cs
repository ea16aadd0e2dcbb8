namespace Finance.Api.Tests;

/// <summary>
/// The tests that change what allocations are computed from (a funding rate, the registry's list sizes and
/// memberships) or stop the registry, and the tests that expect allocations as the documents give them. They run one
/// at a time, so no write lands between a test's reads, each writer can compare LLR-wide figures before and after its
/// own change, and no registry write meets the registry being down. The writers leave what the readers expect as the
/// documents give it: every figure of 2019-20 and 2020-21 (a rate set is set back, a list size dated by 1 April 2020, the
/// year's reference date, is undone) and slam, leicester-health-focus and leicester-city-south in every year. The other
/// tests run beside them, since every figure they check is consistent within one answer or untouched by these writes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AllocationWriters
{
    public const string Name = "Writes that move allocations";
}
