using Platform.Data;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Writes integration events into the service's outbox, inside the caller's own unit of work: the event exists
/// exactly when the state change that caused it commits. The outbox dispatcher relays committed rows to the broker.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Adds <paramref name="message"/> to the outbox in <paramref name="work"/>: its row is inserted with the commit, in
    /// the commit's round trip (<see cref="UnitOfWork.AddToCommit"/>), so it commits exactly when the change does.
    /// Returns the id of the row, which becomes the message's MassTransit MessageId (and so the key of every consumer's
    /// inbox).
    /// </summary>
    Guid Enqueue<T>(UnitOfWork work, T message)
        where T : class;
}
