namespace Practices.Domain.Rules;

public enum SizeStatus
{
    UnderMinimum = 1,
    WithinRange = 2,
    AboveMaximum = 3,
}

/// <summary>
/// The national PCN size rule: a network typically serves 30,000 to 50,000 registered patients (inclusive).
/// Below the minimum is flagged; above the maximum is allowed (rural and large networks exist) but flagged too.
/// </summary>
public static class PcnSizeRule
{
    public const long Minimum = 30_000;
    public const long Maximum = 50_000;

    public static SizeStatus Evaluate(long population) => population switch
    {
        < Minimum => SizeStatus.UnderMinimum,
        > Maximum => SizeStatus.AboveMaximum,
        _ => SizeStatus.WithinRange,
    };
}
