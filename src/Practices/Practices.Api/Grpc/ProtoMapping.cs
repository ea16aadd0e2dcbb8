using System.Runtime.CompilerServices;
using Llr.Practices.V1;
using Platform.ServiceDefaults.Grpc;
using Practices.Api.Application;
using Practices.Domain.Rules;
using Domain = Practices.Domain;

namespace Practices.Api.Grpc;

/// <summary>Domain results → llr.practices.v1 messages.</summary>
public static class ProtoMapping
{
    // A kept registry view answers every read until the next commit with the same population objects
    // (RegistryView.PopulationOf), so each is mapped once; the message is only read after (serialised), never changed.
    private static readonly ConditionalWeakTable<PcnPopulation, Pcn> Mapped = new();

    public static Pcn ToProto(this PcnPopulation population) => Mapped.GetValue(population, Map);

    private static Pcn Map(PcnPopulation population)
    {
        var pcn = new Pcn
        {
            Name = PcnName(population.Pcn.Id),
            DisplayName = population.Pcn.Name,
            Ccg = population.Pcn.Ccg.ToProto(),
            ClinicalDirector = population.Pcn.ClinicalDirector,
            AsAtDate = population.AsAt.ToProto(),
            StatedPopulation = new StatedPopulation { Total = population.StatedTotal },
            ComputedListSize = new ComputedListSize
            {
                RegisteredPatients = population.ComputedRegistered,
                PracticesWithSize = population.PracticesWithSize,
                PracticesWithoutSize = population.PracticesWithoutSize,
            },
            Population = new Population
            {
                Patients = population.Population,
                Basis = population.Basis.ToProto(),
                StatedRemainder = population.StatedRemainder,
                MovedPatients = population.MovedPatients,
            },
            SizeRule = new SizeRuleResult { Status = population.SizeStatus.ToProto(), Minimum = PcnSizeRule.Minimum, Maximum = PcnSizeRule.Maximum },
            StartDate = population.Pcn.StartedOn.ToProto(),
            Etag = population.Pcn.ETag,
        };
        if (population.SizeDates is { } dates)
        {
            pcn.ComputedListSize.OldestListSizeDate = dates.Oldest.ToProto();
            pcn.ComputedListSize.NewestListSizeDate = dates.Newest.ToProto();
        }
        if (population.DifferenceFromStated is { } difference) pcn.DifferenceFromStated = difference;
        pcn.StatedPopulation.Parts.AddRange(population.Pcn.StatedParts.Select(part => new StatedPopulationPart
        {
            Label = part.Label,
            Population = part.Population,
            AsAtDate = part.AsAt.ToProto(),
            Source = part.Source,
        }));
        pcn.Members.AddRange(population.Members.Select(member =>
        {
            var proto = new PcnMember
            {
                Practice = PracticeName(member.Practice.Id),
                DisplayName = member.Practice.Name,
                OdsCode = member.Practice.OdsCode ?? "",
                MemberSince = member.Membership.From.ToProto(),
            };
            if (member.LatestSize is { } size)
            {
                proto.RegisteredPatients = size.RegisteredPatients;
                proto.ListSizeDate = size.AsAt.ToProto();
            }
            return proto;
        }));
        return pcn;
    }

    public static Practice ToProto(this PracticeView view)
    {
        var practice = new Practice
        {
            Name = PracticeName(view.Practice.Id),
            DisplayName = view.Practice.Name,
            OdsCode = view.Practice.OdsCode ?? "",
            Pcn = view.Pcn is null ? "" : PcnName(view.Pcn.Id),
            Ccg = view.Commissioner is { } commissioner ? commissioner.ToProto() : Ccg.Unspecified,
            State = view.Practice.IsOpenOn(view.AsAt) ? PracticeState.Open : PracticeState.Closed,
            ClosedOn = view.Practice.ClosedOn.ToProto(),
            Successor = view.Practice.SuccessorId is { } successor ? PracticeName(successor) : "",
            LatestListSize = view.LatestSize?.ToProto(),
            AsAtDate = view.AsAt.ToProto(),
            Etag = view.Practice.ETag,
        };
        practice.BranchSites.AddRange(view.Practice.BranchSites);
        return practice;
    }

    public static ListSize ToProto(this Domain.Model.ListSizeSnapshot snapshot)
    {
        var size = new ListSize
        {
            Name = $"{PracticeName(snapshot.PracticeId)}/listSizes/{snapshot.AsAt:yyyy-MM-dd}",
            AsAtDate = snapshot.AsAt.ToProto(),
            RegisteredPatients = snapshot.RegisteredPatients,
            Source = snapshot.Source ?? "",
        };
        if (snapshot.WeightedPatients is { } weighted) size.WeightedPatients = weighted;
        return size;
    }

    public static Membership ToProto(this Domain.Model.Membership membership) => new()
    {
        Pcn = PcnName(membership.PcnId),
        EffectiveFrom = membership.From.ToProto(),
        EffectiveTo = membership.To.ToProto(),
        Reason = membership.Reason.ToString().ToLowerInvariant(),
    };

    public static DataQualityReport ToProto(this Domain.Reports.DataQualityReport report)
    {
        var proto = new DataQualityReport { AsAtDate = report.AsAt.ToProto() };
        proto.PcnTotals.AddRange(report.PcnTotals.Select(total =>
        {
            var check = new PcnTotalCheck
            {
                Pcn = PcnName(total.PcnId),
                StatedTotal = total.StatedTotal,
                ComputedTotal = total.ComputedTotal,
                PracticesWithoutSize = total.PracticesWithoutSize,
            };
            if (total.Difference is { } difference) check.Difference = difference;
            return check;
        }));
        proto.PracticesWithoutCode.AddRange(report.PracticesWithoutCode.Select(PracticeName));
        proto.PracticesWithoutSize.AddRange(report.PracticesWithoutSize.Select(PracticeName));
        proto.DuplicateNames.AddRange(report.DuplicateNames.Select(duplicate =>
        {
            var name = new DuplicateName { DisplayName = duplicate.Name };
            name.Practices.AddRange(duplicate.PracticeIds.Select(PracticeName));
            return name;
        }));
        proto.SizeRuleExceptions.AddRange(report.SizeRuleExceptions.Select(exception => new SizeRuleException
        {
            Pcn = PcnName(exception.PcnId),
            Population = exception.Population,
            Basis = exception.Basis.ToProto(),
            Status = exception.Status.ToProto(),
        }));
        proto.UnsizedMoves.AddRange(report.UnsizedMoves.Select(move => new UnsizedMove
        {
            Practice = PracticeName(move.PracticeId),
            Pcn = PcnName(move.PcnId),
            Joined = move.Joined,
        }));
        return proto;
    }

    private static string PracticeName(string id) => ResourceNames.Format(RequestParsing.Practices, id);

    private static string PcnName(string id) => ResourceNames.Format(RequestParsing.Pcns, id);

    // Exhaustive, with no default arm: a new domain member is a compile error (CS8509), never a neighbour by number.
    private static Llr.Practices.V1.PopulationBasis ToProto(this Domain.Rules.PopulationBasis basis) => basis switch
    {
        Domain.Rules.PopulationBasis.Computed => Llr.Practices.V1.PopulationBasis.Computed,
        Domain.Rules.PopulationBasis.Stated => Llr.Practices.V1.PopulationBasis.Stated,
    };

    private static Llr.Practices.V1.SizeStatus ToProto(this Domain.Rules.SizeStatus status) => status switch
    {
        Domain.Rules.SizeStatus.UnderMinimum => Llr.Practices.V1.SizeStatus.UnderMinimum,
        Domain.Rules.SizeStatus.WithinRange => Llr.Practices.V1.SizeStatus.WithinRange,
        Domain.Rules.SizeStatus.AboveMaximum => Llr.Practices.V1.SizeStatus.AboveMaximum,
    };

    private static Ccg ToProto(this Domain.Model.Ccg ccg) => ccg switch
    {
        Domain.Model.Ccg.LeicesterCity => Ccg.LeicesterCity,
        Domain.Model.Ccg.EastLeicestershireAndRutland => Ccg.EastLeicestershireAndRutland,
        Domain.Model.Ccg.WestLeicestershire => Ccg.WestLeicestershire,
    };
}
