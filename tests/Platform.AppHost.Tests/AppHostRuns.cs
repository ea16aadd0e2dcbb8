using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Platform.AppHost;

namespace Platform.AppHost.Tests;

/// <summary>Platform.AppHost booted through Aspire.Hosting.Testing with extra settings, for one test.</summary>
internal static class AppHostRuns
{
    public static async Task<DistributedApplication> BuildAsync(params string[] settings) =>
        await (await DistributedApplicationTestingBuilder.CreateAsync(typeof(PlatformTopology), settings, TestContext.Current.CancellationToken))
            .BuildAsync(TestContext.Current.CancellationToken);

    /// <summary>The messages of an exception and every exception inside it.</summary>
    public static string Messages(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Messages))
            : exception.InnerException is { } inner ? $"{exception.Message} | {Messages(inner)}" : exception.Message;
}
