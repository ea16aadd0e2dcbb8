using Microsoft.EntityFrameworkCore;

namespace Identity.Api.Infrastructure;

/// <summary>
/// OpenIddict's own entities (applications, authorizations, scopes, tokens) in the schema <c>openiddict</c>. EF Core
/// only reads and writes them: the tables are made by the platform's migrations
/// (<c>Migrations/0001_openiddict.sql</c>, the script EF generates for this model), not by EF.
/// </summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public const string Schema = "openiddict";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.UseOpenIddict();
        base.OnModelCreating(modelBuilder);
    }
}
