using System.Security.Cryptography;
using Identity.Api.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Platform.Data;

namespace Identity.Api.Application;

/// <summary>
/// The keys this instance signs and publishes with, loaded once at start (<see cref="PrepareAsync"/>): the newest key
/// not retired signs; every key not retired is published in the JWKS, so a token signed before a rotation verifies
/// until it expires. Rotating or retiring takes effect at the next start (the AppHost's commands restart identity).
/// </summary>
public sealed partial class SigningKeys(
    NpgsqlDataSource dataSource, SigningKeyStore store, TokenServiceOptions options, TimeProvider time, ILogger<SigningKeys> logger)
{
    private IReadOnlyList<RsaSecurityKey>? _published;

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey Signing => Published[0];

    /// <summary>Every key not retired, the signing key first (with their private halves: publish only their public parameters).</summary>
    public IReadOnlyList<RsaSecurityKey> Published =>
        _published ?? throw new InvalidOperationException("The signing keys are loaded at start, before any request.");

    /// <summary>
    /// Applies the rotation policy and the operator's requests, then loads the keys: a first key when there is none;
    /// a new one when the newest is older than <c>Identity:SigningKeys:RotateAfter</c> or a rotation was requested;
    /// keys retired when a retirement was requested (all but the newest) or when no unexpired token can carry them
    /// (superseded longer ago than the longest token lifetime, plus clock skew).
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var requests = options.SigningKeys;
        var rotationRequested = File.Exists(requests.RotateRequestFile);
        var retirementRequested = File.Exists(requests.RetireRequestFile);
        var now = time.GetUtcNow();

        IReadOnlyList<StoredSigningKey> keys;
        await using (var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken))
        {
            await store.LockAsync(work, cancellationToken);
            keys = await store.PublishedAsync(work, cancellationToken);
            if (keys.Count == 0 || rotationRequested || keys[0].CreatedAt + requests.RotateAfter <= now)
            {
                var added = await store.AddAsync(work, now, cancellationToken);
                LogKeyAdded(added.KeyId, keys.Count == 0 ? "there was none" : rotationRequested ? "a rotation was requested" : "the newest was due");
                keys = [added, .. keys];
            }

            var retiring = KeysToRetire(keys, retirementRequested, now);
            await store.RetireAsync(work, retiring, now, cancellationToken);
            foreach (var keyId in retiring) LogKeyRetired(keyId);
            keys = [.. keys.Where(key => !retiring.Contains(key.KeyId))];
            await work.CommitAsync(cancellationToken);
        }

        // Done only once the change is committed, so a failed start repeats the request.
        if (rotationRequested) File.Delete(requests.RotateRequestFile!);
        if (retirementRequested) File.Delete(requests.RetireRequestFile!);
        _published = [.. keys.Select(SecurityKeyOf)];
        LogKeysLoaded(keys[0].KeyId, keys.Count);
    }

    /// <summary>Every key but the newest when asked; otherwise those superseded before any unexpired token was issued.</summary>
    private List<string> KeysToRetire(IReadOnlyList<StoredSigningKey> newestFirst, bool requested, DateTimeOffset now)
    {
        var retiring = new List<string>();
        for (var i = 1; i < newestFirst.Count; i++)
        {
            // The key at i stopped signing when the one made after it (i - 1) took over.
            var supersededAt = newestFirst[i - 1].CreatedAt;
            if (requested || supersededAt + options.LongestTokenLifetime + TokenServiceOptions.ClockSkew < now)
            {
                retiring.Add(newestFirst[i].KeyId);
            }
        }
        return retiring;
    }

    /// <summary>
    /// The key as a security key with its kid. The signing key needs the private half; OpenIddict publishes only
    /// the public parameters of the keys it signs with, and so does <see cref="PublishedKeysHandler"/>.
    /// </summary>
    private static RsaSecurityKey SecurityKeyOf(StoredSigningKey stored)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(stored.PrivateKey, out _);
        return new RsaSecurityKey(rsa) { KeyId = stored.KeyId };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} added: {Reason}")]
    private partial void LogKeyAdded(string keyId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} retired: it is no longer published")]
    private partial void LogKeyRetired(string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing with key {KeyId}; {Count} key(s) published")]
    private partial void LogKeysLoaded(string keyId, int count);
}
