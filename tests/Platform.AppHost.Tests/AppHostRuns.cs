using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Platform.AppHost;

namespace Platform.AppHost.Tests;

/// <summary>Platform.AppHost booted through Aspire.Hosting.Testing with extra settings, for one test.</summary>
internal static class AppHostRuns
{
    public static async Task<DistributedApplication> BuildAsync(params string[] settings) =>
        await (await DistributedApplicationTestingBuilder.CreateAsync(typeof(PlatformTopology), settings, TestContext.Current.CancellationToken))
            .BuildAsync(TestContext.Current.CancellationToken);

    /// <summary>
    /// A resource's environment as the AppHost would hand it over, with references written as the manifest writes them
    /// (<c>{postgres.bindings.tcp.port}</c>), so it can be read before anything has started.
    /// </summary>
    public static async Task<Dictionary<string, string>> EnvironmentOfAsync(IResourceWithEnvironment resource)
    {
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), resource, values, TestContext.Current.CancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return values.ToDictionary(value => value.Key, value => value.Value switch
        {
            string text => text,
            IManifestExpressionProvider expression => expression.ValueExpression,
            var other => other.ToString() ?? "",
        });
    }

    /// <summary>The messages of an exception and every exception inside it.</summary>
    public static string Messages(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(Messages))
            : exception.InnerException is { } inner ? $"{exception.Message} | {Messages(inner)}" : exception.Message;
}
