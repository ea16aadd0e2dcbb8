using Finance.Domain.Model;
using Llr.Practices.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Platform.Data;
using Platform.ServiceDefaults.Grpc;
using RegistryClient = Llr.Practices.V1.PracticeRegistryService.PracticeRegistryServiceClient;

namespace Finance.Api.Infrastructure;

/// <summary>
/// When Finance starts with no copy of the registry's populations, reads one from the registry's API: every PCN as at
/// each reference date the funding rates use. Retries until the registry answers; after that, events keep the copy
/// current and Finance no longer needs the registry to answer.
/// </summary>
public sealed class RegistryBootstrap(
    NpgsqlDataSource dataSource, FinanceStore store, RegistryClient registry, PopulationCopyReadiness readiness, ILogger<RegistryBootstrap> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await store.HasRegistryCopyAsync(stoppingToken))
                    await CopyFromRegistryAsync(stoppingToken);
                readiness.MarkReady();
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not copy PCN populations from the registry yet; retrying in {Delay}.", RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task CopyFromRegistryAsync(CancellationToken cancellationToken)
    {
        var dates = (await store.ListRatesAsync(work: null, cancellationToken)).Select(rate => rate.ReferenceDate).Distinct().Order().ToList();
        var populations = new List<PcnPopulation>();
        foreach (var date in dates)
        {
            var request = new ListPcnsRequest { AsAtDate = date.ToProto(), PageSize = 100 };
            do
            {
                var response = await registry.ListPcnsAsync(request, cancellationToken: cancellationToken);
                populations.AddRange(response.Pcns.Select(pcn => ToPopulation(pcn, date)));
                request.PageToken = response.NextPageToken;
            }
            while (request.PageToken.Length > 0);
        }

        // Each figure is the registry's answer on its date at the PCN's version then, so it is applied like a one-row
        // timeline: an event of a newer version (already applied, or still queued) wins on the dates it covers.
        await using var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken);
        await store.ApplyTimelinesAsync(work, populations.OrderBy(population => population.AsAt).Select(population => new[] { population }),
            "bootstrap", withCommit: false, cancellationToken);
        await store.MarkRegistryCopiedAsync(work, cancellationToken);
        await work.CommitAsync(cancellationToken);
        logger.LogInformation("Copied {Count} PCN populations from the registry as at {Dates}.", populations.Count, string.Join(", ", dates));
    }

    private static PcnPopulation ToPopulation(Pcn pcn, DateOnly date) => new(
        pcn.Name["pcns/".Length..],
        pcn.Ccg switch
        {
            Ccg.LeicesterCity => "leicester-city",
            Ccg.EastLeicestershireAndRutland => "east-leicestershire-rutland",
            Ccg.WestLeicestershire => "west-leicestershire",
            _ => throw new InvalidOperationException($"The registry returned {pcn.Name} without a CCG."),
        },
        date,
        pcn.Population.Patients,
        Weighted: null, // The registry's API reports registered patients only.
        pcn.Population.Basis switch
        {
            Llr.Practices.V1.PopulationBasis.Computed => PopulationSource.Computed,
            Llr.Practices.V1.PopulationBasis.Stated => PopulationSource.Stated,
            _ => throw new InvalidOperationException($"The registry returned {pcn.Name} without a population basis."),
        },
        VersionOf(pcn));

    /// <summary>The registry's etag for a PCN is its version in quotes (practices.proto, Pcn.etag).</summary>
    private static long VersionOf(Pcn pcn) =>
        long.TryParse(pcn.Etag.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InvalidOperationException($"The registry returned {pcn.Name} with etag {pcn.Etag}, not a version.");
}

/// <summary>Finance is ready once it holds a copy of the registry's populations: before that it could answer nothing.</summary>
public sealed class PopulationCopyReadiness : IHealthCheck
{
    private volatile bool _ready;

    public void MarkReady() => _ready = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready
            ? HealthCheckResult.Healthy("Populations copied from the registry.")
            : HealthCheckResult.Unhealthy("No copy of the registry's populations yet; waiting for the registry."));
}
