using Finance.Domain.Model;
using Shouldly;

namespace Finance.Domain.Tests;

/// <summary>
/// Registry events reach Finance in any order. A timeline of version v from date D stands from D until the first date a
/// newer version holds, and nowhere if a newer version holds D or an earlier date.
/// </summary>
public class VersionedTimelineTests
{
    private static readonly DateOnly D = new(2021, 4, 1);

    [Fact]
    public void With_nothing_newer_the_timeline_stands_from_its_date_for_ever() =>
        VersionedTimeline.StandingWindow(D, []).ShouldBe((D, (DateOnly?)null));

    [Fact]
    public void A_newer_timeline_from_a_later_date_bounds_it() =>
        VersionedTimeline.StandingWindow(D, [new(2022, 4, 1), new(2023, 1, 1)]).ShouldBe((D, (DateOnly?)new DateOnly(2022, 4, 1)));

    [Fact]
    public void A_newer_timeline_from_the_same_or_an_earlier_date_supersedes_it_wholly()
    {
        VersionedTimeline.StandingWindow(D, [D]).ShouldBeNull();
        VersionedTimeline.StandingWindow(D, [new(2020, 4, 1), new(2022, 4, 1)]).ShouldBeNull();
    }
}
