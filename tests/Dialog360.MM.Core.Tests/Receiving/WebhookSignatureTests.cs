using System;
using System.Security.Cryptography;
using System.Text;
using Dialog360.MM.Core.Receiving;

namespace Dialog360.MM.Core.Tests.Receiving;

public class WebhookSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("app-secret-1");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"object\":\"whatsapp_business_account\",\"entry\":[]}");
    private static byte[] Digest() => new HMACSHA256(Secret).ComputeHash(Body);

    [Fact]
    public void Meta_header_form_verifies()
    {
        var header = "sha256=" + Convert.ToHexString(Digest()).ToLowerInvariant();
        Assert.Equal(header, WebhookSignature.Sign(Body, Secret));
        Assert.True(WebhookSignature.Verify(Body, header, Secret));
    }

    [Theory]
    [InlineData("hex-upper")]
    [InlineData("hex-lower-bare")]
    [InlineData("base64")]
    [InlineData("base64-prefixed")]
    public void Dialog360_header_in_hex_or_base64_with_or_without_prefix_verifies(string form)
    {
        var digest = Digest();
        var text = form switch
        {
            "hex-upper" => "SHA256=" + Convert.ToHexString(digest),
            "hex-lower-bare" => Convert.ToHexString(digest).ToLowerInvariant(),
            "base64" => Convert.ToBase64String(digest),
            _ => "sha256=" + Convert.ToBase64String(digest),
        };
        Assert.True(WebhookSignature.Verify(Body, " " + text + " ", Secret));
    }

    [Fact]
    public void A_changed_body_a_wrong_secret_or_a_malformed_signature_fails()
    {
        var header = WebhookSignature.Sign(Body, Secret);
        var changed = (byte[])Body.Clone();
        changed[^2] = (byte)' ';
        Assert.False(WebhookSignature.Verify(changed, header, Secret));
        Assert.False(WebhookSignature.Verify(Body, header, Encoding.UTF8.GetBytes("other")));
        Assert.False(WebhookSignature.Verify(Body, "sha256=xyz", Secret));
        Assert.False(WebhookSignature.Verify(Body, "", Secret));
        Assert.False(WebhookSignature.Verify(Body, null, Secret));
        Assert.False(WebhookSignature.Verify(Body, header.Substring(0, header.Length - 2), Secret));
    }

    [Fact]
    public void Fixed_time_compare_compares_every_byte()
    {
        Assert.True(WebhookSignature.FixedTimeEquals(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3 }));
        Assert.False(WebhookSignature.FixedTimeEquals(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 4 }));
        Assert.False(WebhookSignature.FixedTimeEquals(new byte[] { 9, 2, 3 }, new byte[] { 1, 2, 3 }));
        Assert.False(WebhookSignature.FixedTimeEquals(new byte[] { 1, 2 }, new byte[] { 1, 2, 3 }));
    }

    [Fact]
    public void SecretBytes_gives_the_UTF8_of_a_SecureString()
    {
        using var secure = new System.Security.SecureString();
        foreach (var c in "sécret") secure.AppendChar(c);
        Assert.Equal(Encoding.UTF8.GetBytes("sécret"), WebhookSignature.SecretBytes(secure));
    }
}
