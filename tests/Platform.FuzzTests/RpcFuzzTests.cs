using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>
/// Every RPC of both services, enumerated from their generated service descriptors (an RPC added to a proto is fuzzed
/// without editing this test), gets generated hostile requests. None may answer INTERNAL or UNKNOWN, or fail to answer
/// within its deadline; every error's message and details stay small whatever was sent. The seed is printed, and
/// <c>FUZZ_SEED</c> replays one.
/// </summary>
public sealed class RpcFuzzTests(FuzzFixture platform)
{
    private const int DefaultSeed = 20_261_202;
    private const int RequestsPerRpc = 60;
    private const int MinimumRequests = 1_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    /// <summary>An error's message, and all its trailers together, stay under these whatever the request held.</summary>
    private const int MaxMessageLength = 1_100;
    private const int MaxTrailersLength = 8_192;

    /// <summary>The proto services and the platform resource serving each.</summary>
    private static readonly (ServiceDescriptor Service, string Resource)[] Services =
    [
        (Llr.Practices.V1.PracticeRegistryService.Descriptor, "practices"),
        (Llr.Finance.V1.FinanceService.Descriptor, "finance"),
    ];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    [Fact]
    public async Task No_hostile_request_to_any_rpc_answers_internal_unknown_or_hangs()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var chosen) ? chosen : DefaultSeed;
        var methods = Services.SelectMany(service => service.Service.Methods).ToList();
        var tokens = await IssuedTokensAsync(methods);
        var names = await AcceptedNamesAsync(methods);
        var generator = new RequestGenerator(new Random(seed), tokens, names);
        var cases = methods.SelectMany(method => Enumerable.Range(0, RequestsPerRpc).Select(_ => method))
            .Select((method, number) => generator.Generate(number, method))
            .ToList();
        cases.Count.ShouldBeGreaterThanOrEqualTo(MinimumRequests);

        var outcomes = new ConcurrentBag<(FuzzCase Case, StatusCode Code, string Problem, string Fields)>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (fuzzCase, _) => outcomes.Add(await SendAsync(fuzzCase)));

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Seed {seed} (FUZZ_SEED={seed} replays it): {cases.Count} requests to {methods.Count} RPCs, {tokens.Count} issued page tokens, "
            + $"{names.Values.Sum(accepted => accepted.Length)} accepted names.");
        // Per RPC, what came back, and the fields most often refused: a field always refused means nearly valid
        // requests never get past validation to the code behind it.
        foreach (var rpc in outcomes.GroupBy(outcome => outcome.Case.Rpc).OrderBy(group => group.Key))
        {
            output?.WriteLine($"  {rpc.Key}: {string.Join(", ", rpc.GroupBy(o => o.Code).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; "
                + "most refused: " + string.Join(", ", rpc.SelectMany(o => o.Fields.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .GroupBy(field => field).OrderByDescending(g => g.Count()).Take(4).Select(g => $"{g.Key} {g.Count()}")));
        }

        var failures = outcomes.Where(outcome => outcome.Problem != "").OrderBy(outcome => outcome.Case.Number).ToList();
        failures.ShouldBeEmpty($"seed {seed}: {failures.Count} of {cases.Count} requests failed:\n" + string.Join("\n", failures.Select(failure =>
            $"#{failure.Case.Number} {failure.Case.Rpc} {failure.Case.Rendering}\n    -> {failure.Code}: {failure.Problem}")));
    }

    /// <summary>Sends one request and judges its answer: "" when it is acceptable, else what is wrong with it.</summary>
    private async Task<(FuzzCase, StatusCode, string, string)> SendAsync(FuzzCase fuzzCase)
    {
        try
        {
            await CallAsync(fuzzCase.Method, fuzzCase.Body);
            return (fuzzCase, StatusCode.OK, "", "");
        }
        catch (RpcException e)
        {
            var fields = e.StatusCode == StatusCode.InvalidArgument && e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>() is { } bad
                ? string.Join(' ', bad.FieldViolations.Select(v => v.Field.Split('[')[0]).Distinct())
                : "";
            return (fuzzCase, e.StatusCode, Judge(e), fields);
        }
    }

    private static string Judge(RpcException error)
    {
        var message = RequestGenerator.Short(error.Status.Detail, 200);
        if (error.StatusCode is StatusCode.Internal or StatusCode.Unknown) return message;
        if (error.StatusCode == StatusCode.DeadlineExceeded) return $"no answer within {Deadline.TotalSeconds:0} s";
        // UNAVAILABLE here means the service fell over: nothing stalls the fuzz platform's database or broker.
        if (error.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled) return message;
        if (error.Status.Detail.Length > MaxMessageLength) return $"message of {error.Status.Detail.Length} characters: {message}";
        var trailers = error.Trailers.Sum(entry => entry.Key.Length + (entry.IsBinary ? entry.ValueBytes.Length : entry.Value.Length));
        return trailers > MaxTrailersLength ? $"trailers of {trailers} bytes: {message}" : "";
    }

    /// <summary>
    /// Which of <see cref="HostileValues.Names"/> each name field of each RPC accepts (at the top of the request or one
    /// message down): those the answer does not name as a bad field when sent alone. Nearly valid requests use them.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string[]>> AcceptedNamesAsync(IEnumerable<MethodDescriptor> methods)
    {
        var accepted = new Dictionary<string, string[]>();
        foreach (var method in methods)
        {
            var fields = method.InputType.Fields.InFieldNumberOrder()
                .SelectMany(field => field.FieldType == FieldType.Message && !field.IsRepeated
                    ? field.MessageType.Fields.InFieldNumberOrder().Select(inner => new[] { field, inner })
                    : [new[] { field }])
                .Where(path => path[^1].FieldType == FieldType.String && RequestGenerator.IsName(path[^1]));
            foreach (var path in fields)
            {
                var fieldPath = string.Join('.', path.Select(field => field.Name));
                var names = new List<string>();
                foreach (var name in HostileValues.Names)
                {
                    var request = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
                    var holder = request;
                    foreach (var field in path[..^1])
                    {
                        var inner = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
                        field.Accessor.SetValue(holder, inner);
                        holder = inner;
                    }
                    if (path[^1].IsRepeated) ((System.Collections.IList)path[^1].Accessor.GetValue(holder)).Add(name);
                    else path[^1].Accessor.SetValue(holder, name);
                    try
                    {
                        await CallAsync(method, request.ToByteArray());
                        names.Add(name);
                    }
                    catch (RpcException e) when (e.StatusCode != StatusCode.InvalidArgument ||
                        e.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>() is not { } bad || bad.FieldViolations.All(v => v.Field != fieldPath && !v.Field.StartsWith(fieldPath + "[", StringComparison.Ordinal)))
                    {
                        names.Add(name);
                    }
                    catch (RpcException)
                    {
                        // A name this field does not take.
                    }
                }
                accepted[$"{method.FullName}|{path[^1].FullName}"] = [.. names];
            }
        }
        return accepted;
    }

    private Task<byte[]> CallAsync(MethodDescriptor method, byte[] body)
    {
        var (service, resource) = Services.Single(s => s.Service == method.Service);
        var call = new Method<byte[], byte[]>(MethodType.Unary, service.FullName, method.Name, Raw, Raw);
        return platform.Channel(resource).CreateCallInvoker().AsyncUnaryCall(call, null,
            new CallOptions(deadline: DateTime.UtcNow + Deadline, cancellationToken: TestContext.Current.CancellationToken), body).ResponseAsync;
    }

    /// <summary>
    /// Page tokens the services really issued, to send back spoiled or to other queries: the first page of each List
    /// RPC, one item long, for a few plausible parents. The fixture's data is the documents', so these are the same
    /// pages each run.
    /// </summary>
    private async Task<IReadOnlyList<string>> IssuedTokensAsync(IEnumerable<MethodDescriptor> methods)
    {
        var tokens = new List<string>();
        foreach (var method in methods.Where(m => m.InputType.FindFieldByName("page_size") is not null))
        {
            var token = method.OutputType.FindFieldByName("next_page_token");
            if (token is null) continue;
            foreach (var parent in new[] { "", "practices/LLR001", "practices/C82037", "pcns/salutem", "fundingStreams/-", "pcns/-" })
            {
                var request = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
                method.InputType.FindFieldByName("page_size").Accessor.SetValue(request, 1);
                if (method.InputType.FindFieldByName("parent") is { } parentField) parentField.Accessor.SetValue(request, parent);
                try
                {
                    var answer = await CallAsync(method, request.ToByteArray());
                    var response = method.OutputType.Parser.ParseFrom(answer);
                    if (token.Accessor.GetValue(response) is string { Length: > 0 } issued) tokens.Add(issued);
                }
                catch (RpcException)
                {
                    // Not a parent this RPC takes: the fuzzing itself judges every answer.
                }
            }
        }
        return tokens;
    }
}
