using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Identity.Api.Application;

/// <summary>
/// Publishes in the JWKS the keys that no longer sign but are not retired, after the signing key OpenIddict publishes
/// itself. OpenIddict is given only the newest key to sign with, since it orders plain RSA keys of equal standing
/// in no defined way; the older keys are here so tokens they signed verify until those expire.
/// </summary>
public sealed class PublishedKeysHandler(SigningKeys keys) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleJsonWebKeySetRequestContext>()
            .UseSingletonHandler<PublishedKeysHandler>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachSigningKeys.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var key in keys.Published.Skip(1))
        {
            // Only the public parameters: the converter would copy the private ones of a key that has them.
            var publicKey = new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId };
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey);
            jwk.Use = JsonWebKeyUseNames.Sig;
            jwk.Alg = SecurityAlgorithms.RsaSha256;
            context.Keys.Add(jwk);
        }
        return ValueTask.CompletedTask;
    }
}
