using System.Globalization;
using System.Runtime.CompilerServices;
using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Api.Application;
using Finance.Domain.Budgets;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Finance.Domain.Reconciliation;
using Llr.Finance.V1;
using Google.Protobuf.WellKnownTypes;
using Platform.ServiceDefaults.Grpc;
using ArrsClaim = Finance.Domain.Arrs.ArrsClaim;
using CoCommissioningYear = Finance.Domain.Budgets.CoCommissioningYear;
using GpForwardViewLine = Finance.Domain.Budgets.GpForwardViewLine;
using ArrsEntitlement = Finance.Domain.Arrs.ArrsEntitlement;
using ArrsReconciliation = Finance.Domain.Reconciliation.ArrsReconciliation;
using BudgetRow = Finance.Domain.Budgets.BudgetRow;
using BudgetStatement = Finance.Domain.Budgets.BudgetStatement;
using CcgAllocation = Finance.Domain.Allocations.CcgAllocation;
using DocumentBase = Finance.Domain.Reconciliation.DocumentBase;
using FinancialYear = Finance.Domain.Model.FinancialYear;
using FundingRate = Finance.Domain.Model.FundingRate;
using PcnAllocation = Finance.Domain.Allocations.PcnAllocation;
using PriorYearAdjustment = Finance.Domain.ClosedYears.PriorYearAdjustment;
using PublishedComparison = Finance.Domain.Allocations.PublishedComparison;
using ReconciliationLine = Finance.Domain.Reconciliation.ReconciliationLine;
using ReconciliationReport = Finance.Domain.Reconciliation.ReconciliationReport;
using StreamTotal = Finance.Domain.Allocations.StreamTotal;
using SystemAllocation = Finance.Domain.Allocations.SystemAllocation;

namespace Finance.Api.Grpc;

/// <summary>Domain results to llr.finance.v1 messages.</summary>
public static class ProtoMapping
{
    public static Llr.Finance.V1.FundingRate ToProto(this FundingRate rate, FundingStream stream) => new()
    {
        Name = $"fundingStreams/{rate.StreamId}/rates/{rate.Year}",
        FundingStream = $"fundingStreams/{rate.StreamId}",
        StreamDisplayName = stream.Name,
        Year = rate.Year.ToString(),
        Basis = Basis(stream.Basis),
        RatePerHead = ProtoMoney.From(rate.RatePerHead),
        RateSource = Source(rate.RateSource),
        PartYearFactor = Decimal(rate.PartYearFactor),
        ReferenceDate = rate.ReferenceDate.ToProto(),
        PublishedAmount = ProtoMoney.FromOptional(rate.PublishedAmount),
        Source = rate.Source,
        DocumentRatePerHead = ProtoMoney.From(rate.DocumentRatePerHead),
        DocumentPartYearFactor = Decimal(rate.DocumentPartYearFactor),
    };

    public static Llr.Finance.V1.PcnAllocation ToProto(this PcnAllocation allocation)
    {
        var proto = new Llr.Finance.V1.PcnAllocation
        {
            Name = $"pcns/{allocation.PcnId}/allocations/{allocation.Year}",
            Pcn = $"pcns/{allocation.PcnId}",
            Ccg = Ccg(allocation.CcgId),
            Year = allocation.Year.ToString(),
            Total = ProtoMoney.From(allocation.Total),
        };
        proto.Lines.AddRange(allocation.Lines.Select(line => new Llr.Finance.V1.AllocationLine
        {
            FundingStream = $"fundingStreams/{line.Stream.Id}",
            DisplayName = line.Stream.Name,
            Basis = Basis(line.Stream.Basis),
            BasisUsed = Basis(line.BasisUsed),
            Population = line.Population,
            PopulationSource = Source(line.PopulationSource),
            ReferenceDate = line.Rate.ReferenceDate.ToProto(),
            RatePerHead = ProtoMoney.From(line.Rate.RatePerHead),
            RateSource = Source(line.Rate.RateSource),
            PartYearFactor = Decimal(line.Rate.PartYearFactor),
            Amount = ProtoMoney.From(line.Amount),
            PublishedLlrAmount = ProtoMoney.FromOptional(line.Rate.PublishedAmount),
        }));
        return proto;
    }

    public static Llr.Finance.V1.SystemAllocation ToProto(this SystemAllocation system)
    {
        var proto = new Llr.Finance.V1.SystemAllocation
        {
            Name = $"systemAllocations/{system.Year}",
            Year = system.Year.ToString(),
            LlrTotal = ProtoMoney.From(system.LlrTotal),
            LlrPopulation = system.LlrPopulation,
        };
        proto.LlrStreams.AddRange(system.LlrStreams.Select(ToProto));
        proto.Ccgs.AddRange(system.Ccgs.Select(ToProto));
        proto.Pcns.AddRange(system.Pcns.Select(pcn => new PcnAllocationSummary
        {
            Pcn = $"pcns/{pcn.PcnId}",
            Ccg = Ccg(pcn.CcgId),
            Population = pcn.Population,
            PopulationSource = Source(pcn.PopulationSource),
            Total = ProtoMoney.From(pcn.Total),
        }));
        proto.PublishedTotals.AddRange(system.PublishedTotals.Select(ToProto));
        return proto;
    }

    private static Llr.Finance.V1.CcgAllocation ToProto(CcgAllocation ccg)
    {
        var proto = new Llr.Finance.V1.CcgAllocation { Ccg = Ccg(ccg.CcgId), Population = ccg.Population, Total = ProtoMoney.From(ccg.Total) };
        proto.Streams.AddRange(ccg.Streams.Select(ToProto));
        proto.Published.AddRange(ccg.Published.Select(ToProto));
        return proto;
    }

    private static Llr.Finance.V1.StreamTotal ToProto(StreamTotal total) => new()
    {
        FundingStream = $"fundingStreams/{total.Stream.Id}",
        DisplayName = total.Stream.Name,
        Computed = ProtoMoney.From(total.Computed),
        Published = ProtoMoney.FromOptional(total.Published),
        Difference = ProtoMoney.FromOptional(total.Difference),
    };

    private static Llr.Finance.V1.PublishedComparison ToProto(PublishedComparison comparison) => new()
    {
        Label = comparison.Label,
        Computed = ProtoMoney.From(comparison.Computed),
        Published = ProtoMoney.From(comparison.Published),
        Difference = ProtoMoney.From(comparison.Difference),
        Source = comparison.Source,
    };

    public static Llr.Finance.V1.ReconciliationReport ToProto(this ReconciliationReport report)
    {
        var proto = new Llr.Finance.V1.ReconciliationReport
        {
            Name = $"reconciliationReports/{report.Year}",
            Year = report.Year.ToString(),
            RegistryPopulation = report.RegistryPopulation,
            PcnsWithStatedPopulation = report.PcnsWithStatedPopulation,
            Arrs = report.Arrs is { } arrs ? ToProto(arrs) : null,
        };
        proto.DocumentBases.AddRange(report.DocumentBases.Select(ToProto));
        proto.Lines.AddRange(report.Lines.Select(ToProto));
        proto.PrintedTotals.AddRange(report.PrintedTotals.Select(ToProto));
        return proto;
    }

    private static Llr.Finance.V1.DocumentBase ToProto(DocumentBase documentBase)
    {
        var proto = new Llr.Finance.V1.DocumentBase
        {
            Basis = Basis(documentBase.Basis),
            Established = documentBase.Established,
            Explanation = documentBase.Explanation,
        };
        if (documentBase.Established)
        {
            proto.Lower = Decimal(Math.Round(documentBase.Lower, 4));
            proto.Upper = Decimal(Math.Round(documentBase.Upper, 4));
            proto.Population = Decimal(Math.Round(documentBase.Population, 4));
        }
        proto.AgreeingStreams.AddRange(documentBase.AgreeingStreams.Select(stream => $"fundingStreams/{stream}"));
        return proto;
    }

    private static Llr.Finance.V1.ReconciliationLine ToProto(ReconciliationLine line) => new()
    {
        FundingStream = $"fundingStreams/{line.Stream.Id}",
        DisplayName = line.Stream.Name,
        Basis = Basis(line.Stream.Basis),
        DocumentRatePerHead = ProtoMoney.From(line.Rate.DocumentRatePerHead),
        RateSource = Source(line.Rate.DocumentRateSource),
        PartYearFactor = Decimal(line.Rate.DocumentPartYearFactor),
        Published = ProtoMoney.From(line.Published),
        Source = line.Rate.Source,
        ImpliedBasePopulation = Decimal(Math.Round(line.ImpliedBasePopulation, 4)),
        Status = line.Status switch
        {
            Domain.Reconciliation.ReproductionStatus.Reproduced => Llr.Finance.V1.ReproductionStatus.Reproduced,
            Domain.Reconciliation.ReproductionStatus.ByConstruction => Llr.Finance.V1.ReproductionStatus.ByConstruction,
            Domain.Reconciliation.ReproductionStatus.NotReproduced => Llr.Finance.V1.ReproductionStatus.NotReproduced,
        },
        Reproduced = ProtoMoney.FromOptional(line.Reproduced),
        ReproducedDifference = ProtoMoney.FromOptional(line.ReproducedDifference),
        RegistryAmount = ProtoMoney.From(line.RegistryAmount),
        RegistryDifference = ProtoMoney.From(line.RegistryDifference),
        Explanation = line.Explanation,
    };

    private static Llr.Finance.V1.ArrsReconciliation ToProto(ArrsReconciliation arrs) => new()
    {
        DocumentPopulation = arrs.Funding.LlrPopulation,
        FundingPerNetwork = ProtoMoney.From(arrs.Funding.FundingPerNetwork),
        Computed = ProtoMoney.From(arrs.Computed),
        Published = ProtoMoney.From(arrs.Funding.TotalLlrFunding),
        Difference = ProtoMoney.From(arrs.Difference),
        ImpliedFundingPerNetwork = ProtoMoney.From(arrs.ImpliedFundingPerNetwork),
        WithinRounding = arrs.WithinRounding,
        Source = arrs.Funding.Source,
        RegistryPopulation = arrs.RegistryPopulation,
        RegistryEntitlement = ProtoMoney.From(arrs.RegistryEntitlement),
        RegistryDifference = ProtoMoney.From(arrs.RegistryDifference),
        Explanation = arrs.Explanation,
    };

    public static Llr.Finance.V1.ArrsEntitlement ToProto(this ArrsEntitlement entitlement)
    {
        var proto = new Llr.Finance.V1.ArrsEntitlement
        {
        Name = $"pcns/{entitlement.PcnId}/arrsEntitlements/{entitlement.Funding.Year}",
        Pcn = $"pcns/{entitlement.PcnId}",
        Year = entitlement.Funding.Year.ToString(),
        FundingPerNetwork = ProtoMoney.From(entitlement.Funding.FundingPerNetwork),
        NetworkPatients = entitlement.NetworkPatients,
        Population = entitlement.Population,
        BasisUsed = Basis(entitlement.BasisUsed),
        PopulationSource = Source(entitlement.PopulationSource),
        ReferenceDate = entitlement.Funding.ReferenceDate.ToProto(),
        Entitlement = ProtoMoney.From(entitlement.Amount),
        Claimed = ProtoMoney.From(entitlement.Claimed),
        Remaining = ProtoMoney.From(entitlement.Remaining),
        ClaimCount = entitlement.ClaimCount,
        Source = entitlement.Funding.Source,
        };
        proto.TypicalStaffing.AddRange(entitlement.TypicalStaffing.Select(role => new ArrsRoleStaffing
        {
            Role = Role(role.Role),
            NetworkFte = Decimal(role.Fte),
            PcnFte = Decimal(role.FteFor(entitlement.Population, entitlement.NetworkPatients)),
            Source = role.Source,
        }));
        return proto;
    }

    public static Llr.Finance.V1.ArrsClaim ToProto(this ArrsClaim claim) => new()
    {
        Name = $"pcns/{claim.PcnId}/arrsClaims/{claim.Id}",
        Year = claim.Year.ToString(),
        Role = Role(claim.Role),
        Fte = Decimal(claim.Fte),
        Months = claim.Months,
        AnnualSalaryCost = ProtoMoney.From(claim.AnnualSalaryCost),
        SalaryCost = ProtoMoney.From(claim.SalaryCost),
        ReimbursedShare = Decimal(claim.ReimbursedShare),
        Reimbursed = ProtoMoney.From(claim.Reimbursed),
        CreateDate = claim.CreatedOn.ToProto(),
    };

    public static Llr.Finance.V1.BudgetStatement ToProto(
        this BudgetStatement statement, IReadOnlyList<CoCommissioningYear> coCommissioning, IReadOnlyList<GpForwardViewLine> gpForwardView)
    {
        var proto = new Llr.Finance.V1.BudgetStatement
        {
            Name = $"budgetStatements/{statement.Year}",
            Year = statement.Year.ToString(),
            RoundingTolerance = ProtoMoney.From(BudgetStatement.RoundingTolerance),
            Source = "Table 4 'CCG Consolidated 2019/20 Primary Care Budgets' (004_019362184b449183.txt:2934-2980); Table 6 GP Forward View (000_0b818a8f861e84b5.txt:1788-1797); Table 7 co-commissioning (004:3149) and the One LLR allocation summary (003:1049).",
        };
        proto.Rows.AddRange(statement.Rows.Select(ToProto));
        proto.CoCommissioning.AddRange(coCommissioning.Select(year => new Llr.Finance.V1.CoCommissioningYear
        {
            Series = year.Allocation.Series,
            Year = year.Allocation.Year.ToString(),
            Allocation = ProtoMoney.From(year.Allocation.Amount),
            Growth = ProtoMoney.FromOptional(year.Growth),
            GrowthPercent = year.GrowthPercent is { } percent ? Decimal(percent) : null,
            Source = year.Allocation.Source,
        }));
        proto.GpForwardView.AddRange(gpForwardView.Select(line => new Llr.Finance.V1.GpForwardViewLine
        {
            Line = line.LineId,
            DisplayName = line.LineName,
            Year = line.Year.ToString(),
            AllocationType = line.AllocationType,
            Amount = ProtoMoney.From(line.Amount),
            IsTotal = line.IsTotal,
            Computed = ProtoMoney.FromOptional(GpForwardView.Computed(line, gpForwardView)),
            Source = line.Source,
        }));
        return proto;
    }

    private static Llr.Finance.V1.BudgetRow ToProto(BudgetRow row)
    {
        var proto = new Llr.Finance.V1.BudgetRow
        {
            Line = row.LineId,
            DisplayName = row.LineName,
            Section = row.Section,
            Kind = row.Kind switch
            {
                Domain.Budgets.BudgetRowKind.Line => Llr.Finance.V1.BudgetRowKind.Line,
                Domain.Budgets.BudgetRowKind.Subtotal => Llr.Finance.V1.BudgetRowKind.Subtotal,
                Domain.Budgets.BudgetRowKind.Total => Llr.Finance.V1.BudgetRowKind.Total,
            },
            Source = row.Source,
        };
        proto.Figures.AddRange(row.Figures.Select(figure => new Llr.Finance.V1.BudgetFigure
        {
            Column = figure.Column == BudgetStatement.LlrColumn ? BudgetStatement.LlrColumn : Ccg(figure.Column),
            Printed = ProtoMoney.From(figure.Printed),
            Computed = ProtoMoney.FromOptional(figure.Computed),
            Difference = ProtoMoney.FromOptional(figure.Difference),
            WithinRounding = figure.WithinRounding,
        }));
        return proto;
    }

    private static string Ccg(string ccgId) => $"ccgs/{ccgId}";

    private static Llr.Finance.V1.ArrsRole Role(Domain.Arrs.ArrsRole role) => role switch
    {
        Domain.Arrs.ArrsRole.ClinicalPharmacist => Llr.Finance.V1.ArrsRole.ClinicalPharmacist,
        Domain.Arrs.ArrsRole.SocialPrescriber => Llr.Finance.V1.ArrsRole.SocialPrescriber,
        Domain.Arrs.ArrsRole.Physiotherapist => Llr.Finance.V1.ArrsRole.Physiotherapist,
        Domain.Arrs.ArrsRole.PhysicianAssociate => Llr.Finance.V1.ArrsRole.PhysicianAssociate,
        Domain.Arrs.ArrsRole.CommunityParamedic => Llr.Finance.V1.ArrsRole.CommunityParamedic,
    };

    private static Google.Type.Decimal Decimal(decimal value) => new() { Value = value.ToString(CultureInfo.InvariantCulture) };


    private static Llr.Finance.V1.PatientBasis Basis(Domain.Model.PatientBasis basis) => basis switch
    {
        Domain.Model.PatientBasis.Registered => Llr.Finance.V1.PatientBasis.Registered,
        Domain.Model.PatientBasis.Weighted => Llr.Finance.V1.PatientBasis.Weighted,
    };

    private static Llr.Finance.V1.PopulationSource Source(Domain.Model.PopulationSource source) => source switch
    {
        Domain.Model.PopulationSource.Computed => Llr.Finance.V1.PopulationSource.Computed,
        Domain.Model.PopulationSource.Stated => Llr.Finance.V1.PopulationSource.Stated,
    };

    private static Llr.Finance.V1.RateSource Source(Domain.Model.RateSource source) => source switch
    {
        Domain.Model.RateSource.Printed => Llr.Finance.V1.RateSource.Printed,
        Domain.Model.RateSource.Derived => Llr.Finance.V1.RateSource.Derived,
        Domain.Model.RateSource.Set => Llr.Finance.V1.RateSource.Set,
    };

    // ---- Financial years ----------------------------------------------------------------------------------------------

    // An open year's allocation is kept with the inputs it came from (FinanceQueries), and so always goes with the same
    // year status: a year's closing changes the inputs. So each is mapped once; the message is only serialised after.
    private static readonly ConditionalWeakTable<PcnAllocation, Llr.Finance.V1.PcnAllocation> Mapped = new();

    /// <summary>The allocation, saying whether its year is open or stands as published.</summary>
    public static Llr.Finance.V1.PcnAllocation ToProto(this PcnAllocation allocation, YearStatus status)
    {
        if (Mapped.TryGetValue(allocation, out var kept)) return kept;
        var proto = allocation.ToProto();
        proto.YearState = State(status);
        Mapped.AddOrUpdate(allocation, proto);
        return proto;
    }

    /// <summary>The allocation, saying whether its year is open or stands as published.</summary>
    public static Llr.Finance.V1.SystemAllocation ToProto(this SystemAllocation allocation, YearStatus status)
    {
        var proto = allocation.ToProto();
        proto.YearState = State(status);
        return proto;
    }

    public static Llr.Finance.V1.FinancialYear ToProto(this YearStatus status) => new()
    {
        Name = $"financialYears/{status.Year}",
        State = State(status),
        CloseTime = status.Closed is { } closed ? Timestamp.FromDateTimeOffset(closed.ClosedAt) : null,
        PublishedLlrTotal = ProtoMoney.FromOptional(status.Closed?.LlrTotal),
        PublishedLlrPopulation = status.Closed?.LlrPopulation ?? 0,
    };

    public static Llr.Finance.V1.PriorYearAdjustment ToProto(this RecordedAdjustment recorded)
    {
        var adjustment = recorded.Adjustment;
        return new Llr.Finance.V1.PriorYearAdjustment
        {
            Name = $"financialYears/{adjustment.Year}/priorYearAdjustments/{recorded.Id}",
            Pcn = $"pcns/{adjustment.Line.PcnId}",
            FundingStream = $"fundingStreams/{adjustment.Line.StreamId}",
            Paid = ProtoMoney.From(adjustment.Paid.Amount),
            ShouldHaveBeen = ProtoMoney.From(adjustment.ShouldHaveBeen.Amount),
            Difference = ProtoMoney.From(adjustment.Difference),
            PreviousShouldHaveBeen = ProtoMoney.From(adjustment.PreviousShouldHaveBeen),
            Change = ProtoMoney.From(adjustment.Change),
            PaidPopulation = adjustment.Paid.Population,
            PaidRatePerHead = ProtoMoney.From(adjustment.Paid.RatePerHead),
            PaidPartYearFactor = Decimal(adjustment.Paid.PartYearFactor),
            Population = adjustment.ShouldHaveBeen.Population,
            RatePerHead = ProtoMoney.From(adjustment.ShouldHaveBeen.RatePerHead),
            PartYearFactor = Decimal(adjustment.ShouldHaveBeen.PartYearFactor),
            Cause = Cause(adjustment),
            CreateTime = Timestamp.FromDateTimeOffset(recorded.RecordedAt),
        };
    }

    private static Llr.Finance.V1.FinancialYear.Types.State State(YearStatus status) =>
        status.IsClosed ? Llr.Finance.V1.FinancialYear.Types.State.Closed : Llr.Finance.V1.FinancialYear.Types.State.Open;

    private static Llr.Finance.V1.AdjustmentCause Cause(PriorYearAdjustment adjustment)
    {
        var cause = adjustment.Cause;
        return new Llr.Finance.V1.AdjustmentCause
        {
            Kind = cause.Reason switch
            {
                AdjustmentReason.PracticeTransferred => Llr.Finance.V1.AdjustmentCause.Types.Kind.PracticeTransferred,
                AdjustmentReason.ListSizeRecorded => Llr.Finance.V1.AdjustmentCause.Types.Kind.ListSizeRecorded,
                AdjustmentReason.PracticesMerged => Llr.Finance.V1.AdjustmentCause.Types.Kind.PracticesMerged,
                AdjustmentReason.FundingRateChanged => Llr.Finance.V1.AdjustmentCause.Types.Kind.FundingRateChanged,
            },
            MessageId = cause.MessageId?.ToString() ?? "",
            RequestId = cause.RequestId?.ToString() ?? "",
            FundingRate = cause.RateStreamId is { } stream ? $"fundingStreams/{stream}/rates/{adjustment.Year}" : "",
        };
    }
}
