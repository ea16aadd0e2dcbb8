using Finance.Domain.Model;

namespace Finance.Domain.Arrs;

/// <summary>One year of the Additional Roles Reimbursement Scheme as the document tables it.</summary>
public sealed record ArrsYearFunding(
    FinancialYear Year,
    decimal NationalFundingMillions,
    long LlrPopulation,
    decimal FundingPerNetwork,
    decimal TotalLlrFunding,
    DateOnly ReferenceDate,
    string Source);

/// <summary>The scheme's constants: the typical network its funding is quoted for, and the share of salary it reimburses.</summary>
public sealed record ArrsScheme(long NetworkPatients, decimal ReimbursedShare, string Source);

/// <summary>A role's FTE in the schedule for a typical 50,000-patient PCN, and the first year the scheme funds it.</summary>
public sealed record ArrsRoleYear(ArrsRole Role, string RoleName, FinancialYear Year, decimal Fte, FinancialYear FirstYear, string Source)
{
    /// <summary>The schedule's FTE scaled to a PCN's list, to 2 decimal places, half away from zero.</summary>
    public decimal FteFor(long patients, long networkPatients) => Math.Round(Fte * patients / networkPatients, 2, MidpointRounding.AwayFromZero);
}

public enum ArrsRole
{
    ClinicalPharmacist = 1,
    SocialPrescriber = 2,
    Physiotherapist = 3,
    PhysicianAssociate = 4,
    CommunityParamedic = 5,
}

public static class ArrsRoles
{
    private static readonly Dictionary<string, ArrsRole> ById = new(StringComparer.Ordinal)
    {
        ["clinical-pharmacist"] = ArrsRole.ClinicalPharmacist,
        ["social-prescriber"] = ArrsRole.SocialPrescriber,
        ["physiotherapist"] = ArrsRole.Physiotherapist,
        ["physician-associate"] = ArrsRole.PhysicianAssociate,
        ["community-paramedic"] = ArrsRole.CommunityParamedic,
    };

    public static ArrsRole Parse(string id) =>
        ById.TryGetValue(id, out var role) ? role : throw new FormatException($"Unknown additional role '{id}'.");

    public static string ToId(this ArrsRole role) => ById.Single(entry => entry.Value == role).Key;
}
