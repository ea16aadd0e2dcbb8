using Platform.Domain.Errors;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

public class ValidationTests
{
    [Theory]
    [InlineData("C82037", true)]
    [InlineData("Y02686", true)]
    [InlineData("c82037", false)]
    [InlineData("C8203", false)]
    [InlineData("C820377", false)]
    [InlineData("82037C", false)]
    [InlineData("", false)]
    public void Ods_practice_codes_are_a_letter_and_five_digits(string code, bool valid) =>
        OdsCodes.IsValidPracticeCode(code).ShouldBe(valid);

    [Fact]
    public void Every_violation_is_reported_together()
    {
        var validation = new Validation()
            .Require(false, "list_size.registered_patients", "must not be negative.")
            .Require(true, "parent", "fine")
            .Require(false, "list_size.as_at_date", "is required.");

        var error = Should.Throw<InvalidArgumentException>(validation.ThrowIfInvalid);
        error.Violations.Select(v => v.Field).ShouldBe(["list_size.registered_patients", "list_size.as_at_date"]);
    }

    [Fact]
    public void No_list_size_is_recorded_for_a_closed_practice()
    {
        var closedOn = new DateOnly(2024, 1, 1);
        Should.NotThrow(() => ListSizeRules.EnsureCanRecord(Practice("a", closedOn: closedOn), closedOn.AddDays(-1)));
        Should.Throw<RuleViolationException>(() => ListSizeRules.EnsureCanRecord(Practice("a", closedOn: closedOn), closedOn));
    }
}
