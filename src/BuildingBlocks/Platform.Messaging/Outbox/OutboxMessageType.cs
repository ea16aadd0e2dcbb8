using System.Collections.Concurrent;

namespace Platform.Messaging.Outbox;

/// <summary>
/// How an outbox row names the CLR type of its body: "Namespace.Type, Assembly", without version or key.
/// </summary>
/// <remarks>
/// The dispatcher has to rebuild the message object, because MassTransit derives the exchange and the message-type
/// URNs in the envelope from the CLR type. A name <see cref="Type.GetType(string)"/> can resolve works in a freshly
/// started process that has not touched the type yet (it loads the assembly), which a registry of "contract names"
/// filled at run time would not. The wire contract stays MassTransit's URN, so nothing outside this database sees
/// this name. Renaming or moving a contract type while rows of it are still pending stalls the dispatcher on them
/// (logged, retried, never dropped) until the old name resolves again; contracts are renamed by adding a new type.
/// </remarks>
internal static class OutboxMessageType
{
    // Only names that resolved are kept: a failed lookup is tried again next time (an assembly may load later), never
    // remembered as a failure for the life of the process.
    private static readonly ConcurrentDictionary<string, Type> Resolved = new(StringComparer.Ordinal);

    // Every enqueue names its type, and Assembly.GetName builds a new AssemblyName each call: work it out once a type.
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    public static string NameOf(Type type) =>
        Names.GetOrAdd(type, static named => $"{named.FullName}, {named.Assembly.GetName().Name}");

    public static Type Resolve(string name)
    {
        if (Resolved.TryGetValue(name, out var known)) return known;
        var type = Type.GetType(name, throwOnError: false)
            ?? throw new InvalidOperationException($"Outbox message type '{name}' cannot be resolved in this process.");
        return Resolved.GetOrAdd(name, type);
    }
}
