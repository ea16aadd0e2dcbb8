using System.Buffers.Text;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>A page token opens only with the key that signed it, for the query it was issued for, unaltered.</summary>
public sealed class PageTokenTests
{
    private static readonly PageTokenSigner Signer = PageTokenSigner.FromSetting(new string('k', 64));

    [Fact]
    public void A_token_opens_to_the_key_it_carries_for_the_same_query()
    {
        var token = Signer.Issue("pcns|2024-01-01|", "salutem");

        Signer.TryOpen(token, "pcns|2024-01-01|", out var after).ShouldBeTrue();
        after.ShouldBe("salutem");
    }

    [Fact]
    public void A_token_is_opaque_url_safe_text()
    {
        var token = Signer.Issue("pcns|2024-01-01|", "salutem");

        token.ShouldNotContain("salutem");
        token.ShouldNotContain("pcns");
        Base64Url.IsValid(token).ShouldBeTrue();
    }

    [Fact]
    public void A_token_does_not_open_for_another_query()
    {
        var token = Signer.Issue("pcns|2024-01-01|", "salutem");

        Signer.TryOpen(token, "pcns|2024-01-02|", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_token_signed_with_another_key_does_not_open()
    {
        var token = PageTokenSigner.FromSetting(new string('j', 64)).Issue("pcns||", "salutem");

        Signer.TryOpen(token, "pcns||", out _).ShouldBeFalse();
    }

    [Fact]
    public void Every_single_bit_flipped_is_refused()
    {
        var token = Signer.Issue("practices|2024-01-01||", "C82037");
        var bytes = Base64Url.DecodeFromChars(token);

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var tampered = bytes.ToArray();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Signer.TryOpen(Base64Url.EncodeToString(tampered), "practices|2024-01-01||", out _).ShouldBeFalse($"bit {bit}");
        }
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("AQ")]
    [InlineData("not base64 at all!")]
    [InlineData("\0")]
    [InlineData("cGNucwpzYWx1dGVt")] // the old unsigned format: base64 of "pcns\nsalutem"
    public void Made_up_tokens_are_refused(string token)
    {
        Signer.TryOpen(token, "pcns||", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_huge_token_is_refused_before_it_is_decoded()
    {
        Signer.TryOpen(new string('A', 64 * 1024), "pcns||", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused()
    {
        Should.Throw<ArgumentException>(() => PageTokenSigner.FromSetting("short"));
    }

    [Fact]
    public void Reading_a_bad_token_is_a_page_token_violation_and_starts_from_the_beginning()
    {
        var validation = new Validation();

        var page = PageTokens.Read(10, "forged", "pcns||", defaultSize: 50, maxSize: 100, validation);

        page.After.ShouldBeNull();
        Should.Throw<InvalidArgumentException>(validation.ThrowIfInvalid).Violations.Single().Field.ShouldBe("page_token");
    }

    [Fact]
    public void Pages_follow_one_another_through_their_tokens()
    {
        var ids = Enumerable.Range(0, 7).Select(i => $"id{i}").ToList();
        var seen = new List<string>();
        var token = "";
        do
        {
            var validation = new Validation();
            var page = PageTokens.Read(3, token, "ids", defaultSize: 50, maxSize: 100, validation);
            validation.ThrowIfInvalid();
            (var items, token) = PageTokens.Paginate(ids, id => id, page);
            seen.AddRange(items);
        } while (token != "");

        seen.ShouldBe(ids);
    }
}
