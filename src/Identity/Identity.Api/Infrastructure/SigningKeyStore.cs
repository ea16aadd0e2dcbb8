using System.Security.Cryptography;
using Npgsql;
using Platform.Data;

namespace Identity.Api.Infrastructure;

/// <summary>A signing key as stored: its kid, its RSA key (PKCS#8) and when it was made and retired.</summary>
public sealed record StoredSigningKey(string KeyId, byte[] PrivateKey, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

/// <summary>The rows of <c>identity.signing_keys</c>. Each change runs in the caller's unit of work.</summary>
public sealed class SigningKeyStore
{
    /// <summary>
    /// Locks the table against another instance's key changes until the unit of work ends, so two instances starting
    /// at once cannot both rotate.
    /// </summary>
    public async Task LockAsync(UnitOfWork work, CancellationToken cancellationToken)
    {
        await using var command = work.Command("LOCK TABLE identity.signing_keys IN SHARE ROW EXCLUSIVE MODE");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every key not retired, newest first.</summary>
    public async Task<IReadOnlyList<StoredSigningKey>> PublishedAsync(UnitOfWork work, CancellationToken cancellationToken)
    {
        await using var command = work.Command("""
            SELECT key_id, private_key, created_at, retired_at FROM identity.signing_keys
            WHERE retired_at IS NULL ORDER BY created_at DESC, key_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredSigningKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredSigningKey(reader.GetString(0), (byte[])reader[1],
                reader.GetFieldValue<DateTimeOffset>(2), null));
        }
        return keys;
    }

    /// <summary>Stores a new 2048-bit RSA key made now, with a random kid; returns it.</summary>
    public async Task<StoredSigningKey> AddAsync(UnitOfWork work, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(2048);
        var key = new StoredSigningKey(Base64UrlKeyId(), rsa.ExportPkcs8PrivateKey(), now, null);
        await using var command = work.Command(
            "INSERT INTO identity.signing_keys (key_id, private_key, created_at) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = key.KeyId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.PrivateKey });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return key;
    }

    /// <summary>Retires the keys named; a retired key is never published again.</summary>
    public async Task RetireAsync(UnitOfWork work, IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (keyIds.Count == 0) return;
        await using var command = work.Command(
            "UPDATE identity.signing_keys SET retired_at = $2 WHERE key_id = ANY($1) AND retired_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = keyIds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Base64UrlKeyId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
