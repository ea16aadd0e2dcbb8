namespace Platform.Data.Audit;

/// <summary>A write as the audit trail records it: who made it, through which RPC, about what, under which request id.</summary>
public sealed record AuditedWrite(string ClientId, string Method, string Resource, string RequestId)
{
    /// <summary>The client id of a call that carried no identity.</summary>
    public const string Anonymous = "anonymous";
}

/// <summary>
/// The write the current call is making, for the unit of work that commits it: the audit interceptor begins a scope
/// around each write RPC, <see cref="Idempotency.IdempotentWrites"/> inserts the accepted record in the write's own
/// transaction and marks it recorded once that commits. The scope flows with the call's async context, so
/// concurrent calls never see each other's.
/// </summary>
public sealed class AuditScope
{
    private static readonly AsyncLocal<AuditScope?> CurrentScope = new();

    private AuditScope(AuditedWrite write) => Write = write;

    /// <summary>The scope of the write this call is making; null outside a write RPC.</summary>
    public static AuditScope? Current => CurrentScope.Value;

    public AuditedWrite Write { get; }

    /// <summary>Whether a committed unit of work holds this write's accepted record.</summary>
    public bool Recorded { get; private set; }

    /// <summary>
    /// Makes <paramref name="write"/> the current call's: from here down the call (awaits included). A value set in
    /// an async method reverts when it returns, so it never outlives the interceptor that began it.
    /// </summary>
    public static AuditScope Begin(AuditedWrite write)
    {
        var scope = new AuditScope(write);
        CurrentScope.Value = scope;
        return scope;
    }

    internal void MarkRecorded() => Recorded = true;
}
