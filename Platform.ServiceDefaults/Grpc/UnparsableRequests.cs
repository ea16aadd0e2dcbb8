using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// A request body that cannot be decoded (a string field that is not UTF-8, a truncated or corrupt message, a gzip
/// frame that does not inflate) is the caller's mistake: INVALID_ARGUMENT, naming the field where it can. grpc-dotnet
/// decodes the request before any interceptor runs and answers UNKNOWN ("Exception was thrown by handler") for any
/// exception thrown while decoding, except an RpcException, whose status it sends as it is. So every method is bound
/// with a request marshaller that turns a decoding failure into that RpcException, and every compression provider
/// inflates through a stream that does the same.
/// </summary>
public static class UnparsableRequests
{
    /// <summary>
    /// Binds every gRPC service's methods with <see cref="UnparsableRequestsMethodProvider{TService}"/> instead of
    /// grpc-dotnet's own binder (which would bind the same routes again), and wraps the compression providers.
    /// </summary>
    public static IServiceCollection AddUnparsableRequestsAsInvalidArgument(this IServiceCollection services)
    {
        var defaultBinder = services.SingleOrDefault(descriptor =>
            descriptor.ServiceType == typeof(IServiceMethodProvider<>) &&
            descriptor.ImplementationType?.Name == "BinderServiceMethodProvider`1" &&
            descriptor.ImplementationType.Assembly == typeof(IServiceMethodProvider<>).Assembly);
        // Fail at start, not with duplicate routes, if a grpc-dotnet upgrade renames what it registers.
        if (defaultBinder is null)
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider is not registered: call AddGrpc first, or revisit UnparsableRequests after an upgrade.");
        services.Remove(defaultBinder);
        services.TryAddEnumerable(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(UnparsableRequestsMethodProvider<>)));
        services.PostConfigure<global::Grpc.AspNetCore.Server.GrpcServiceOptions>(options =>
        {
            var providers = options.CompressionProviders.Select(provider =>
                provider is InflatingAsInvalidArgument ? provider : new InflatingAsInvalidArgument(provider)).ToList();
            options.CompressionProviders.Clear();
            foreach (var provider in providers) options.CompressionProviders.Add(provider);
        });
        return services;
    }

    /// <summary>The request marshaller of a method: the same, except that a body it cannot decode is INVALID_ARGUMENT.</summary>
    public static Marshaller<TRequest> Decoding<TRequest>(Marshaller<TRequest> marshaller)
    {
        var descriptor = typeof(IMessage).IsAssignableFrom(typeof(TRequest))
            ? ((IMessage)Activator.CreateInstance(typeof(TRequest))!).Descriptor
            : null;
        return Marshallers.Create(marshaller.ContextualSerializer, context =>
        {
            try
            {
                return marshaller.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                var field = descriptor is null ? null : FieldThatFailsToDecode(descriptor, context.PayloadAsNewBuffer());
                throw Unparsable(descriptor?.FullName ?? typeof(TRequest).Name, e.Message, field);
            }
        });
    }

    /// <summary>INVALID_ARGUMENT saying the request could not be parsed, with a field violation when the field is known.</summary>
    public static RpcException Unparsable(string messageName, string reason, string? field)
    {
        // The reason is the decoder's own sentence ("String is invalid UTF-8."), never the bytes that were sent.
        var message = $"The request could not be parsed as {messageName}: {reason}";
        var badRequest = new BadRequest();
        if (field is not null)
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = $"could not be parsed: {reason}" });
        var status = new Status { Code = (int)Code.InvalidArgument, Message = message };
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(badRequest));
        return status.ToRpcException();
    }

    /// <summary>
    /// Walks the wire format of a message that failed to decode to name the field that failed, as a path such as
    /// "claim.year" or "predecessors[2]": the string field that is not UTF-8, or the field being read when the bytes
    /// ran out or made no sense. Null when no field is to blame (a bad tag at the top level).
    /// </summary>
    public static string? FieldThatFailsToDecode(MessageDescriptor descriptor, byte[] payload) =>
        FieldThatFailsToDecode(descriptor, payload, prefix: "", depth: 0);

    private const int MaxDepth = 64;

    private static string? FieldThatFailsToDecode(MessageDescriptor descriptor, byte[] payload, string prefix, int depth)
    {
        var input = new CodedInputStream(payload);
        var occurrences = new Dictionary<int, int>();
        string? current = null;
        try
        {
            while (!input.IsAtEnd)
            {
                current = null;
                var tag = input.ReadTag();
                var field = descriptor.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
                if (field is null)
                {
                    input.SkipLastField();
                    continue;
                }
                var index = occurrences.GetValueOrDefault(field.FieldNumber);
                occurrences[field.FieldNumber] = index + 1;
                current = prefix + field.Name + (field.IsRepeated ? $"[{index}]" : "");
                if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
                {
                    input.SkipLastField();
                    continue;
                }
                var bytes = input.ReadBytes();
                if (field.FieldType == FieldType.String && !System.Text.Unicode.Utf8.IsValid(bytes.Span)) return current;
                if (field.FieldType == FieldType.Message && depth < MaxDepth &&
                    FieldThatFailsToDecode(field.MessageType, bytes.ToByteArray(), current + ".", depth + 1) is { } inner)
                    return inner;
            }
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return current;
        }
    }

    /// <summary>A compression provider whose inflating stream reports corrupt data as INVALID_ARGUMENT.</summary>
    private sealed class InflatingAsInvalidArgument(ICompressionProvider inner) : ICompressionProvider
    {
        public string EncodingName => inner.EncodingName;

        public Stream CreateCompressionStream(Stream stream, System.IO.Compression.CompressionLevel? compressionLevel) =>
            inner.CreateCompressionStream(stream, compressionLevel);

        public Stream CreateDecompressionStream(Stream stream) => new Inflating(inner.CreateDecompressionStream(stream), inner.EncodingName);

        private sealed class Inflating(Stream inner, string encoding) : Stream
        {
            public override int Read(byte[] buffer, int offset, int count)
            {
                try
                {
                    return inner.Read(buffer, offset, count);
                }
                catch (InvalidDataException e)
                {
                    throw Unparsable($"a {encoding}-compressed message", e.Message, field: null);
                }
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}

/// <summary>
/// Binds a generated service's methods as grpc-dotnet's own binder does (the generated BindService, each method to
/// the service's override, its attributes as endpoint metadata), each with a request marshaller from
/// <see cref="UnparsableRequests.Decoding{TRequest}"/>. <see cref="IServiceMethodProvider{TService}"/> is
/// grpc-dotnet's public extension point for adding a service's methods.
/// </summary>
public sealed class UnparsableRequestsMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind) continue;
            var bindMethod = bind.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(method => method.Name == bind.BindMethodName && method.GetParameters() is [{ ParameterType: var binder }, _] && binder == typeof(ServiceBinderBase));
            var declaringType = bindMethod.GetParameters()[1].ParameterType;
            bindMethod.Invoke(null, [new Binder(context, declaringType), null]);
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Decoding(method), Metadata(method.Name, out var handlerMethod, typeof(TRequest), typeof(ServerCallContext)),
                Handler<UnaryServerMethod<TService, TRequest, TResponse>>(handlerMethod));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Decoding(method),
                Metadata(method.Name, out var handlerMethod, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(handlerMethod));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Decoding(method),
                Metadata(method.Name, out var handlerMethod, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(handlerMethod));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Decoding(method),
                Metadata(method.Name, out var handlerMethod, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(handlerMethod));

        private static Method<TRequest, TResponse> Decoding<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
            new(method.Type, method.ServiceName, method.Name, UnparsableRequests.Decoding(method.RequestMarshaller), method.ResponseMarshaller);

        private static TDelegate Handler<TDelegate>(MethodInfo method) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), method);

        /// <summary>The service's override of the generated method (or the generated one, which answers UNIMPLEMENTED), and its metadata.</summary>
        private List<object> Metadata(string name, out MethodInfo handler, params Type[] parameters)
        {
            handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                is { IsVirtual: true } method && method.GetBaseDefinition().DeclaringType == declaringType
                ? method
                : throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. handler.GetCustomAttributes(inherit: true)];
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }
    }
}
