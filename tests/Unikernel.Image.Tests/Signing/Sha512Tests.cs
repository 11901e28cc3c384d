using System.Text;
using Unikernel.Boot.Image.Signing;
using Bcl = System.Security.Cryptography.SHA512;

namespace Unikernel.Image.Tests.Signing;

/// <summary>Our SHA-512 against the NIST examples (FIPS 180-4 / CSRC) and against the BCL's on random data, in random pieces.</summary>
public class Sha512Tests
{
    private static string Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Sha512.HashLength];
        Sha512.Hash(data, hash);
        return Convert.ToHexStringLower(hash);
    }

    [Theory]
    [InlineData("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
    [InlineData("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")]
    public void Nist_examples(string message, string expected)
    {
        Assert.Equal(expected, Hex(Encoding.ASCII.GetBytes(message)));
    }

    [Fact]
    public void Nist_a_million_as_in_odd_pieces()
    {
        var sha = new Sha512();
        var piece = new byte[997];
        Array.Fill(piece, (byte)'a');
        int left = 1_000_000;
        while (left > 0)
        {
            int n = Math.Min(left, piece.Length);
            sha.Append(piece.AsSpan(0, n));
            left -= n;
        }
        var hash = new byte[64];
        sha.Finish(hash);
        Assert.Equal("e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
            Convert.ToHexStringLower(hash));
    }

    [Fact]
    public void Every_length_to_600_matches_the_bcl_in_random_pieces()
    {
        var random = new Random(180_4);
        var data = new byte[600];
        random.NextBytes(data);
        var hash = new byte[64];
        for (int length = 0; length <= data.Length; length++)
        {
            var sha = new Sha512();
            int at = 0;
            while (at < length)
            {
                int n = Math.Min(length - at, random.Next(0, 200));
                sha.Append(data.AsSpan(at, n));
                at += n;
            }
            sha.Finish(hash);
            Assert.Equal(Convert.ToHexStringLower(Bcl.HashData(data.AsSpan(0, length))), Convert.ToHexStringLower(hash));
        }
    }

    [Fact]
    public void Finish_starts_over()
    {
        var sha = new Sha512();
        var hash = new byte[64];
        sha.Append("abc"u8);
        sha.Finish(hash);
        sha.Finish(hash);
        Assert.Equal(Hex(""u8), Convert.ToHexStringLower(hash));
    }
}
