using Llr.Practices.V1;
using Platform.Messaging;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Platform.SystemTests;

/// <summary>
/// What a registry write costs in round trips to PostgreSQL, counted as the registry's own database client spans
/// (Npgsql traces each command or batch it sends as one span) under the write's gRPC server span, as the dashboard
/// shows them. A transfer's event describes each touched PCN on every later date its figures change; building that
/// must not cost more round trips the more later dates there are (issue 9).
/// </summary>
public sealed class WriteRoundTripTests(SystemFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_transfer_costs_the_same_round_trips_whatever_the_number_of_later_change_dates()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));

        // Dates far beyond any other test's writes, on PCNs the other system tests leave alone: five later list sizes
        // of LLR132 (Leicester Health Focus) follow LLR133's move, and nothing follows LLR134's.
        for (var month = 2; month <= 6; month++)
            await registry.CreateListSizeAsync(new CreateListSizeRequest
            {
                Parent = "practices/LLR132",
                ListSize = new ListSize { AsAtDate = Date(2091, month, 1), RegisteredPatients = 5000 + month },
                RequestId = NewRequestId(),
            }, cancellationToken: cancellationToken);

        var withFiveLater = await TransferRoundTripsAsync(registry, "LLR133", Date(2091, 1, 1), cancellationToken);
        var withNoneLater = await TransferRoundTripsAsync(registry, "LLR134", Date(2092, 1, 1), cancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"TransferPractice round trips: {withNoneLater} with no later change date, {withFiveLater} with five.");
        withFiveLater.ShouldBe(withNoneLater);
        // The idempotency claim; the practice and its context; the practice's claim; the PCN locks, the move and the
        // load under them; the outbox row, answer and audit record with COMMIT (README, "How it is built").
        withNoneLater.ShouldBe(5);
    }

    private async Task<int> TransferRoundTripsAsync(PracticeRegistryService.PracticeRegistryServiceClient registry,
        string practiceId, Google.Type.Date effectiveDate, CancellationToken cancellationToken)
    {
        using var trace = new TraceParent();
        await registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = $"practices/{practiceId}",
            TargetPcn = "pcns/leicester-city-university",
            EffectiveDate = effectiveDate,
            RequestId = NewRequestId(),
        }, cancellationToken: cancellationToken);

        // A span ends after its children, so once the server span is in, so is every database span under it.
        var server = await platform.Telemetry.WaitForSpanAsync(trace.TraceIdHex,
            span => span.Service == "practices" && span.Kind == SpanKind.Server && span.Name.Contains("TransferPractice"),
            "the registry's TransferPractice server span", Patience);
        var spans = await platform.Telemetry.TraceAsync(trace.TraceIdHex, cancellationToken);
        return Under(server, spans).Count(span => span.Service == "practices" && span.Kind == SpanKind.Client);
    }

    /// <summary>The spans under <paramref name="root"/>, leaving out the outbox relay's (it runs after the call).</summary>
    private static IEnumerable<DashboardSpan> Under(DashboardSpan root, IReadOnlyList<DashboardSpan> spans)
    {
        var children = spans.ToLookup(span => span.ParentSpanId);
        var pending = new Stack<DashboardSpan>(children[root.SpanId]);
        while (pending.TryPop(out var span))
        {
            if (span.Name.StartsWith(MessagingDiagnostics.RelaySpanName, StringComparison.Ordinal)) continue;
            yield return span;
            foreach (var child in children[span.SpanId]) pending.Push(child);
        }
    }
}
