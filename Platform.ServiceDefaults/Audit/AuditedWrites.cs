using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Llr.Audit.V1;

namespace Platform.ServiceDefaults.Audit;

/// <summary>
/// What the audit trail counts as a write, decided here once for every service: an RPC whose request has a
/// <c>request_id</c> field (AIP-155: every write takes one, and no read does). The resource a write is about is the
/// request field marked <c>(llr.audit.v1.audited_resource)</c>, else by AIP convention its <c>name</c> (methods on
/// a resource, AIP-136), its <c>parent</c> (Create, AIP-133), or the <c>name</c> of the resource it carries (Update,
/// AIP-134).
/// </summary>
public static class AuditedWrites
{
    public const string RequestIdField = "request_id";

    private static readonly ConcurrentDictionary<MessageDescriptor, WriteShape?> Shapes = new();

    /// <summary>How to read a write's request id and resource; null when <paramref name="request"/> is not a write.</summary>
    public static WriteShape? ShapeOf(IMessage request) => Shapes.GetOrAdd(request.Descriptor, Describe);

    private static WriteShape? Describe(MessageDescriptor request)
    {
        if (request.FindFieldByName(RequestIdField) is not { FieldType: FieldType.String, IsRepeated: false } requestId) return null;
        return new WriteShape(requestId, ResourcePath(request));
    }

    private static IReadOnlyList<FieldDescriptor> ResourcePath(MessageDescriptor request)
    {
        var marked = request.Fields.InFieldNumberOrder().FirstOrDefault(IsMarked);
        if (marked is not null) return [marked];
        if (SingularString(request, "name") is { } name) return [name];
        if (SingularString(request, "parent") is { } parent) return [parent];
        foreach (var field in request.Fields.InFieldNumberOrder())
        {
            if (field is { FieldType: FieldType.Message, IsRepeated: false, IsMap: false } && SingularString(field.MessageType, "name") is { } nested)
                return [field, nested];
        }
        return [];
    }

    private static bool IsMarked(FieldDescriptor field) => field.GetOptions()?.GetExtension(AuditExtensions.AuditedResource) ?? false;

    private static FieldDescriptor? SingularString(MessageDescriptor message, string name) =>
        message.FindFieldByName(name) is { FieldType: FieldType.String, IsRepeated: false } field ? field : null;
}

/// <summary>Where a write request keeps its request id and the name of the resource it is about.</summary>
public sealed class WriteShape(FieldDescriptor requestId, IReadOnlyList<FieldDescriptor> resourcePath)
{
    /// <summary>Whether the request has a field naming its resource (every write should: a test checks).</summary>
    public bool NamesResource => resourcePath.Count > 0;

    public string RequestId(IMessage request) => (string)requestId.Accessor.GetValue(request);

    /// <summary>The resource name as the request gives it; "" when it gives none.</summary>
    public string Resource(IMessage request)
    {
        object? value = request;
        foreach (var field in resourcePath)
        {
            // An unset message field reads as null: the request names no resource.
            if (value is not IMessage message) return "";
            value = field.Accessor.GetValue(message);
        }
        return value as string ?? "";
    }
}
