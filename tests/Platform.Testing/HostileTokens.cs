using System.Security.Cryptography;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// Generated bearer tokens no service may accept, each with what it is: random bytes and text, a genuine token cut
/// short, altered byte by byte, with parts missing or added, its header claiming <c>alg: none</c>, re-signed with HMAC
/// using the published public key as the secret, re-signed with a key of our own, huge, in other alphabets. Every one is
/// sent as an HTTP header value, so none has a control character (no client sends one). Used against the platform's
/// token service and, linked into ServiceDefaults' tests, against a stand-in for it.
/// </summary>
public static class HostileTokens
{
    public static IReadOnlyList<(string What, string Token)> Generate(Random random, string genuine, RSAParameters publishedKey, string publishedKeyId)
    {
        var tokens = new List<(string, string)>();
        var parts = genuine.Split('.');
        var header = Decode(parts[0]);
        var payload = Decode(parts[1]);

        for (var i = 0; i < 30; i++) tokens.Add(($"random base64url bytes #{i}", Base64Url(Bytes(random, random.Next(1, 2_000)))));
        for (var i = 0; i < 15; i++) tokens.Add(($"random printable text #{i}", Printable(random, random.Next(1, 500))));
        for (var i = 0; i < 15; i++)
            tokens.Add(($"three random parts #{i}", string.Join('.', Enumerable.Range(0, 3).Select(_ => Base64Url(Bytes(random, random.Next(0, 300)))))));
        for (var i = 0; i < 25; i++)
        {
            var cut = random.Next(0, genuine.Length - 1);
            tokens.Add(($"genuine cut to {cut} characters", genuine[..cut]));
        }
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var altered = 0; altered < 40;)
        {
            var at = random.Next(0, genuine.Length);
            var replacement = alphabet[random.Next(alphabet.Length)];
            if (replacement == genuine[at] || genuine[at] == '.') continue;
            altered++;
            tokens.Add(($"genuine with character {at} changed", genuine[..at] + replacement + genuine[(at + 1)..]));
        }
        tokens.Add(("genuine without its signature", $"{parts[0]}.{parts[1]}."));
        tokens.Add(("genuine without its signature or last dot", $"{parts[0]}.{parts[1]}"));
        tokens.Add(("genuine header only", parts[0]));
        tokens.Add(("genuine with a fourth part", genuine + "." + parts[2]));
        tokens.Add(("genuine with five parts (as if encrypted)", $"{parts[0]}.{parts[1]}.{parts[2]}.{parts[1]}.{parts[2]}"));
        tokens.Add(("genuine with payload and signature swapped", $"{parts[0]}.{parts[2]}.{parts[1]}"));
        tokens.Add(("genuine's signature on another payload", $"{parts[0]}.{Base64Url(Encoding.UTF8.GetBytes(payload.Replace("\"scope\":\"", "\"scope\":\"admin ", StringComparison.Ordinal)))}.{parts[2]}"));
        tokens.Add(("genuine twice", genuine + genuine));
        tokens.Add(("genuine with spaces inside", genuine.Insert(genuine.Length / 2, " ")));
        tokens.Add(("empty", ""));
        tokens.Add(("dots only", ".."));
        tokens.Add(("the word Bearer", "Bearer"));

        foreach (var none in new[] { "none", "None", "NONE", "nOnE" })
        {
            var noneHeader = Base64Url(Encoding.UTF8.GetBytes($"{{\"alg\":\"{none}\",\"typ\":\"at+jwt\"}}"));
            tokens.Add(($"alg {none}, no signature", $"{noneHeader}.{parts[1]}."));
            tokens.Add(($"alg {none}, the genuine signature", $"{noneHeader}.{parts[1]}.{parts[2]}"));
        }
        tokens.Add(("alg missing", $"{Base64Url("{\"typ\":\"at+jwt\"}"u8.ToArray())}.{parts[1]}.{parts[2]}"));

        // HMAC keyed with what the token service publishes: the classic algorithm confusion.
        var rsa = publishedKey;
        var publicSecrets = new (string What, byte[] Secret)[]
        {
            ("modulus", rsa.Modulus!),
            ("SubjectPublicKeyInfo DER", RsaPublic(rsa).ExportSubjectPublicKeyInfo()),
            ("PEM", Encoding.ASCII.GetBytes(RsaPublic(rsa).ExportSubjectPublicKeyInfoPem())),
            ("PKCS#1 DER", RsaPublic(rsa).ExportRSAPublicKey()),
        };
        foreach (var (what, secret) in publicSecrets)
        {
            foreach (var alg in new[] { "HS256", "HS384", "HS512" })
            {
                var hmacHeader = Base64Url(Encoding.UTF8.GetBytes(header.Replace("\"RS256\"", $"\"{alg}\"", StringComparison.Ordinal)));
                tokens.Add(($"{alg} keyed with the public key's {what}", Sign(hmacHeader, parts[1], alg, secret)));
            }
        }

        // Signed correctly, but by a key that is not the token service's, under its key id and under made-up ones.
        using var own = RSA.Create(2048);
        foreach (var kid in new[] { publishedKeyId, "", Guid.NewGuid().ToString("N"), new string('k', 4_000), "../../../../etc/passwd", "' OR 1=1 --" })
        {
            var ownHeader = Base64Url(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"kid\":\"{kid}\",\"typ\":\"at+jwt\"}}"));
            var input = Encoding.ASCII.GetBytes($"{ownHeader}.{parts[1]}");
            tokens.Add(($"RS256 by another key, kid of {kid.Length} characters",
                $"{ownHeader}.{parts[1]}.{Base64Url(own.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}"));
        }

        // Headers that are not what they claim: not JSON, JSON of the wrong shape, deeply nested, jku/x5u pointing away.
        foreach (var odd in new[]
        {
            "not json", "[]", "null", "{\"alg\":123}", "{\"alg\":[\"RS256\"]}", "{\"alg\":\"RS256\",\"crit\":[\"exp\"]}",
            new string('[', 5_000) + new string(']', 5_000), "{\"alg\":\"RS256\",\"jku\":\"http://127.0.0.1:1/keys\"}",
            "{\"alg\":\"RS256\",\"x5u\":\"http://127.0.0.1:1/cert\"}", "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}",
            "{\"alg\":\"RS256\",\"zip\":\"DEF\"}", "{\"alg\":\"dir\",\"enc\":\"A128GCM\"}",
        })
        {
            tokens.Add(($"header {Short(odd)}", $"{Base64Url(Encoding.UTF8.GetBytes(odd))}.{parts[1]}.{parts[2]}"));
        }
        foreach (var odd in new[] { "not json", "[]", "{\"exp\":\"soon\"}", "{\"exp\":1e400}", "{\"aud\":{}}", new string('{', 3_000) })
        {
            tokens.Add(($"payload {Short(odd)}", $"{parts[0]}.{Base64Url(Encoding.UTF8.GetBytes(odd))}.{parts[2]}"));
        }

        // Huge: past the length a service reads, and far past it (100 KB), genuine-looking and not.
        tokens.Add(("20 KB of base64url", Base64Url(Bytes(random, 15_000))));
        tokens.Add(("100 KB of base64url", Base64Url(Bytes(random, 75_000))));
        tokens.Add(("genuine padded to 100 KB", genuine + new string('A', 100_000)));
        tokens.Add(("100 KB payload", $"{parts[0]}.{Base64Url(Bytes(random, 75_000))}.{parts[2]}"));

        // Other alphabets, control-free: the channel must send header values as UTF-8 (a default client refuses them).
        foreach (var text in new[] { "ñáéíóú", "令牌令牌令牌", "🔑🔑🔑", "\u202Eevil", "Ｂｅａｒｅｒ", "\u00A0\u00A0", "e\u0301" })
        {
            tokens.Add(($"unicode {text}", text));
            tokens.Add(($"genuine with unicode {text} inside", genuine.Insert(genuine.Length / 3, text)));
        }
        return tokens;
    }

    private static RSA RsaPublic(RSAParameters parameters)
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = parameters.Modulus, Exponent = parameters.Exponent });
        return rsa;
    }

    private static string Sign(string header, string payload, string alg, byte[] secret)
    {
        var input = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var signature = alg switch
        {
            "HS256" => HMACSHA256.HashData(secret, input),
            "HS384" => HMACSHA384.HashData(secret, input),
            _ => HMACSHA512.HashData(secret, input),
        };
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Short(string text) => text.Length > 30 ? text[..30] + "…" : text;

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Printable(Random random, int count) =>
        new(Enumerable.Range(0, count).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray());

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string Decode(string part) => Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(part));
}
