namespace Practices.Domain.Model;

/// <summary>
/// Which CCG commissions a practice over an inclusive date range (<see cref="To"/> null while it continues). A
/// practice's commissioner is its own: moving PCN never changes it, and a PCN may only hold practices of its own CCG.
/// </summary>
public sealed record Commission(string PracticeId, Ccg Ccg, DateOnly From, DateOnly? To)
{
    public bool Covers(DateOnly date) => From <= date && (To is not { } to || date <= to);
}
