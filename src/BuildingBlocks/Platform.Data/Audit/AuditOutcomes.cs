using Google.Protobuf.Reflection;
using Google.Rpc;

namespace Platform.Data.Audit;

/// <summary>
/// Outcomes are kept by the name google.rpc.Code gives the status (OK, FAILED_PRECONDITION, ...): the names gRPC
/// documents and callers see, and what ListAuditRecords answers as that enum.
/// </summary>
public static class AuditOutcomes
{
    private static readonly EnumDescriptor Codes = CodeReflection.Descriptor.FindTypeByName<EnumDescriptor>("Code");

    public static readonly string Accepted = NameOf(Code.Ok);

    public static string NameOf(Code code) => Codes.FindValueByNumber((int)code)?.Name ?? NameOf(Code.Unknown);

    /// <summary>The code a stored name stands for; UNKNOWN for a name no code has.</summary>
    public static Code CodeOf(string name) => (Code)(Codes.FindValueByName(name)?.Number ?? (int)Code.Unknown);
}
