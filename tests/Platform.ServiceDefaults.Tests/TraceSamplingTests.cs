using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using OpenTelemetry.Trace;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// Which traces a service records, through the OpenTelemetry SDK as a service configures it: every one in
/// Development, a tenth of new traces elsewhere (a call arriving with a trace follows its caller's decision), and
/// whatever the standard OTEL_TRACES_SAMPLER says wherever it is set. Trace ids are random, so ratios are checked
/// within bounds over six standard deviations wide.
/// </summary>
public sealed class TraceSamplingTests
{
    private const int Traces = 1_000;

    [Fact]
    public void Development_records_every_trace_even_one_its_caller_dropped()
    {
        using var service = Service(Environments.Development);

        service.RecordedRoots().ShouldBe(Traces);
        service.RecordedChildren(callerRecorded: false).ShouldBe(Traces);
    }

    [Fact]
    public void Elsewhere_a_tenth_of_new_traces_is_recorded()
    {
        using var service = Service(Environments.Production);

        service.RecordedRoots().ShouldBeInRange(40, 190);
    }

    [Fact]
    public void Elsewhere_a_call_follows_its_callers_decision()
    {
        using var service = Service(Environments.Production);

        service.RecordedChildren(callerRecorded: true).ShouldBe(Traces);
        service.RecordedChildren(callerRecorded: false).ShouldBe(0);
    }

    [Fact]
    public void The_standard_setting_chooses_the_sampler_wherever_it_is_set()
    {
        using (var service = Service(Environments.Development, ("OTEL_TRACES_SAMPLER", "always_off")))
            service.RecordedRoots().ShouldBe(0);

        using (var service = Service(Environments.Production,
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"), ("OTEL_TRACES_SAMPLER_ARG", "0.5")))
        {
            service.RecordedRoots().ShouldBeInRange(400, 600);
            service.RecordedChildren(callerRecorded: false).ShouldBe(0);
        }
    }

    [Fact]
    public void The_default_sampler_is_chosen_only_where_the_standard_setting_is_absent()
    {
        var development = new HostingEnvironment { EnvironmentName = Environments.Development };
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };
        var empty = new ConfigurationBuilder().Build();
        var set = new ConfigurationBuilder()
            .AddInMemoryCollection([new("OTEL_TRACES_SAMPLER", "always_on")]).Build();

        TelemetryExtensions.DefaultSampler(empty, development).ShouldBeOfType<AlwaysOnSampler>();
        TelemetryExtensions.DefaultSampler(empty, production).ShouldBeOfType<ParentBasedSampler>()
            .Description.ShouldContain($"TraceIdRatioBasedSampler{{{TelemetryExtensions.DefaultSamplingRatio:F6}}}");
        TelemetryExtensions.DefaultSampler(set, production).ShouldBeNull();
    }

    private static SampledService Service(string environment, params (string Key, string Value)[] settings)
    {
        // A name of its own, so no other test's tracer provider listens to this one's spans.
        var name = $"sampling-{Guid.NewGuid():N}";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = environment,
            ApplicationName = name,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(setting =>
            new KeyValuePair<string, string?>(setting.Key, setting.Value)));
        builder.ConfigureOpenTelemetry();
        var host = builder.Build();
        // Resolving the provider starts it listening, as the host does when it starts.
        host.Services.GetRequiredService<TracerProvider>();
        return new SampledService(host, new ActivitySource(name));
    }

    private sealed class SampledService(IHost host, ActivitySource source) : IDisposable
    {
        public int RecordedRoots() => Count(() => source.StartActivity("root"));

        public int RecordedChildren(bool callerRecorded) => Count(() => source.StartActivity("call",
            ActivityKind.Server,
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(),
                callerRecorded ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true)));

        private static int Count(Func<Activity?> start)
        {
            var recorded = 0;
            for (var trace = 0; trace < Traces; trace++)
            {
                using var activity = start();
                if (activity is { Recorded: true }) recorded++;
            }
            return recorded;
        }

        public void Dispose()
        {
            source.Dispose();
            host.Dispose();
        }
    }
}
