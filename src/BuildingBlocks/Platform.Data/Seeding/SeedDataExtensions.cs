using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Platform.Data.Seeding;

public static class SeedDataExtensions
{
    /// <summary>Reference data loaded once by the start-up step (<c>PrepareDatabaseAsync</c>), after the migrations.</summary>
    public static IHostApplicationBuilder AddSeedData<TSeed>(this IHostApplicationBuilder builder) where TSeed : class, ISeedData
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISeedData, TSeed>());
        return builder;
    }
}
