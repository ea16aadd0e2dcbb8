namespace Platform.Messaging.Tests;

// One event type per scenario: each test host binds its own queue to the type's exchange, and distinct types keep
// one scenario's messages out of another's queues.

public interface ITestEvent
{
    Guid Key { get; }
}

public sealed record BrokerOutageEvent(Guid Key, string Note) : ITestEvent;

public sealed record DatabaseOutageEvent(Guid Key) : ITestEvent;

public sealed record DuplicateDeliveryEvent(Guid Key) : ITestEvent;

public sealed record PoisonEvent(Guid Key) : ITestEvent;

public sealed record RollbackEvent(Guid Key) : ITestEvent;

public sealed record TracedEvent(Guid Key) : ITestEvent;

public sealed record OrderedEvent(Guid Key, int Position) : ITestEvent;
