using Platform.Data.Retention;

namespace Platform.Data.Idempotency;

/// <summary>How long a request id stays idempotent (Retention:IdempotentRequests), and why that is long enough.</summary>
public static class IdempotencyRetention
{
    /// <summary>
    /// 30 days. A request id must replay its first answer for as long as a client may retry it. Interactive
    /// callers retry within seconds or minutes; the ICS systems calling these APIs include scheduled jobs, which
    /// may retry a failed run the next day, after a weekend or bank holiday, or after an outage of ours that
    /// lasted days. A month covers all of those with room to spare (payment APIs commonly keep keys 24 hours), and
    /// costs one small row per write. Past the window the id is forgotten: the same request runs as a new write.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    /// <summary>Deletes a batch of the oldest expired request ids, through idempotent_requests_created_at_idx.</summary>
    /// <remarks>
    /// A retry racing the delete of its own id is safe either way: its claim waits for the delete to commit and then
    /// inserts afresh, as for any id past the window.
    /// </remarks>
    public static readonly RetentionRule Rule = new(
        Table: "platform.idempotent_requests",
        Setting: "IdempotentRequests",
        DefaultWindow: DefaultWindow,
        Key: "request_id",
        Timestamp: "created_at");
}
