using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// The dashboard's commands for identity's signing keys. Each leaves a request file in identity's state folder
/// (<c>Identity:SigningKeys:RequestDirectory</c>) and restarts identity, which acts on it at start and deletes it:
/// <c>rotate-signing-key</c> adds a key that signs from then on (the old one stays published, so tokens it signed
/// verify until they expire); <c>retire-signing-keys</c> unpublishes every key but the newest at once, so tokens
/// they signed stop verifying (identity also retires a superseded key by itself once no unexpired token can carry it).
/// </summary>
public static class SigningKeyCommands
{
    public const string Rotate = "rotate-signing-key";
    public const string Retire = "retire-signing-keys";

    public static IResourceBuilder<ProjectResource> WithSigningKeyCommands(this IResourceBuilder<ProjectResource> identity)
    {
        var requests = IdentityClients.RequestDirectory(identity.ApplicationBuilder);
        return identity
            .WithCommand(Rotate, "Rotate signing key", context => RequestAndRestart(context, Path.Combine(requests, Rotate)),
                new CommandOptions { Description = "Add a signing key; the current one stays published until it is retired.", IconName = "KeyMultiple" })
            .WithCommand(Retire, "Retire old signing keys", context => RequestAndRestart(context, Path.Combine(requests, Retire)),
                new CommandOptions
                {
                    Description = "Unpublish every signing key but the newest: tokens they signed stop verifying.",
                    ConfirmationMessage = "Tokens signed with the older keys will be refused at once. Retire them?",
                    IconName = "KeyOff",
                });
    }

    private static async Task<ExecuteCommandResult> RequestAndRestart(ExecuteCommandContext context, string requestFile)
    {
        await File.WriteAllTextAsync(requestFile, DateTimeOffset.UtcNow.ToString("O"), context.CancellationToken);
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        return await commands.ExecuteCommandAsync(context.ResourceName, KnownResourceCommands.RestartCommand, context.CancellationToken);
    }
}
