namespace Finance.Domain.Model;

/// <summary>The list a stream is paid on.</summary>
public enum PatientBasis
{
    Registered = 1,
    Weighted = 2,
}

/// <summary>A PCN funding stream of the PCN budget table (e.g. core PCN funding, paid per registered patient).</summary>
public sealed record FundingStream(string Id, string Name, PatientBasis Basis, string? BudgetType, string Source);
