using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Data.Retention;

namespace Platform.Data.Idempotency;

public static class IdempotencyExtensions
{
    /// <summary>
    /// <see cref="IdempotentWrites"/>, and the retention cleanup trimming its table to
    /// <see cref="IdempotencyRetention.DefaultWindow"/> (Retention:IdempotentRequests). The table itself is
    /// made by Platform.Data's migration 0001_platform, which every service's start-up step runs
    /// (<see cref="Migrations.DatabasePreparationExtensions.PrepareDatabaseAsync"/>).
    /// </summary>
    public static IHostApplicationBuilder AddIdempotentWrites(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IdempotentWrites>();
        return builder.AddRetentionRule(IdempotencyRetention.Rule);
    }
}
