namespace Platform.Domain.Errors;

/// <summary>Collects field violations while a request is checked, then throws them together.</summary>
public sealed class Validation
{
    private readonly List<FieldViolation> _violations = [];

    public Validation Require(bool condition, string field, string description)
    {
        if (!condition) _violations.Add(new FieldViolation(field, description));
        return this;
    }

    public void Add(string field, string description) => _violations.Add(new FieldViolation(field, description));

    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0) throw new InvalidArgumentException(_violations.ToArray());
    }
}
