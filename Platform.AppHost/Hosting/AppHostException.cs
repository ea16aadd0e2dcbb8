namespace Platform.AppHost.Hosting;

/// <summary>
/// A failure the developer can fix: the message says what went wrong and how to fix it, and is printed without a
/// stack trace.
/// </summary>
public sealed class AppHostException : Exception
{
    public AppHostException(string message)
        : base(message)
    {
    }

    public AppHostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
