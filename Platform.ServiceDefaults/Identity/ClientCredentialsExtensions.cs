using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Identity;

namespace Microsoft.Extensions.Hosting;

public static class ClientCredentialsExtensions
{
    /// <summary>
    /// Calls made by this gRPC client carry <c>Authorization: Bearer</c> with a token of the service's own client for
    /// <paramref name="scopes"/> (<see cref="ClientCredentialsTokens"/>). A service given no client by the AppHost
    /// (<c>Identity:Client:*</c>) calls without one.
    /// </summary>
    public static IHttpClientBuilder AddClientCredentials(this IHttpClientBuilder grpcClient, IHostApplicationBuilder builder, params string[] scopes)
    {
        if (ClientCredentialsOptions.From(builder.Configuration) is not { } options) return grpcClient;
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ClientCredentialsTokens>();
        builder.Services.AddHttpClient(ClientCredentialsTokens.HttpClientName);
        return grpcClient
            .AddCallCredentials(async (context, metadata, services) =>
            {
                var token = await services.GetRequiredService<ClientCredentialsTokens>().TokenAsync(scopes, context.CancellationToken);
                metadata.Add("Authorization", $"Bearer {token}");
            })
            // The platform's services speak plain HTTP/2 on the local machine (a deployment puts TLS in front), and
            // grpc-dotnet sends call credentials over plain HTTP only when told to.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
    }
}
