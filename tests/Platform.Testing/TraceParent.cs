using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// A trace a test starts around its own calls, so it knows which trace they are in and can find it among every other
/// trace in the span store, whatever ran before. It is the current activity, so HttpClient (under gRPC) sends it as
/// the traceparent header and the server's span joins it. (Adding the header by hand as well would send two, which a
/// server rejects as malformed, starting a trace of its own.)
/// </summary>
public sealed class TraceParent : IDisposable
{
    // Recorded: a parent sent as not sampled would have the services (sampling parent-based) record nothing.
    private readonly Activity _activity = new Activity("system-test") { ActivityTraceFlags = ActivityTraceFlags.Recorded }
        .SetIdFormat(ActivityIdFormat.W3C).Start();

    public string TraceIdHex => _activity.TraceId.ToHexString();

    public void Dispose() => _activity.Dispose();
}
