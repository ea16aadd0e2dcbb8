namespace Platform.Domain.Errors;

/// <summary>
/// The caller's input is malformed. Carries every violation found, not just the first, so a caller can fix a
/// request in one go. Maps to INVALID_ARGUMENT with google.rpc.BadRequest field violations.
/// </summary>
public sealed class InvalidArgumentException(IReadOnlyList<FieldViolation> violations)
    : Exception(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public InvalidArgumentException(string field, string description) : this([new FieldViolation(field, description)]) { }
}

public sealed record FieldViolation(string Field, string Description);

/// <summary>A named resource does not exist. Maps to NOT_FOUND.</summary>
public sealed class NotFoundException(string resourceType, string resourceName, string? message = null)
    : Exception(message ?? $"{resourceType} '{resourceName}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceName { get; } = resourceName;
}

/// <summary>
/// The request is well formed but the system's state forbids it (a business invariant would break).
/// Maps to FAILED_PRECONDITION with a google.rpc.PreconditionFailure naming the rule.
/// </summary>
public sealed class RuleViolationException(string rule, string subject, string description) : Exception(description)
{
    /// <summary>A stable, machine-readable name of the rule, e.g. "ONE_PCN_AT_A_TIME".</summary>
    public string Rule { get; } = rule;
    public string Subject { get; } = subject;
}

/// <summary>Another write changed the same data first (or the caller's etag is stale). Maps to ABORTED: retry after re-reading.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
