using System.Buffers.Binary;
using Unikernel.Net.Tcp;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// The reference vectors of SipHash-2-4 (vectors.h of the reference implementation,
/// github.com/veorq/SipHash, as in the paper's appendix): key 00 01 .. 0f, message i the i bytes
/// 00 01 .. i-1, for i from 0 to 63; each output as its 8 little-endian bytes.
/// </summary>
public class SipHashTests
{
    private static readonly string[] Vectors =
    {
        "310e0edd47db6f72", // 0
        "fd67dc93c539f874",
        "5a4fa9d909806c0d",
        "2d7efbd796666785",
        "b7877127e09427cf",
        "8da699cd64557618",
        "cee3fe586e46c9cb",
        "37d1018bf50002ab",
        "6224939a79f5f593", // 8
        "b0e4a90bdf82009e",
        "f3b9dd94c5bb5d7a",
        "a7ad6b22462fb3f4",
        "fbe50e86bc8f1e75",
        "903d84c02756ea14",
        "eef27a8e90ca23f7",
        "e545be4961ca29a1",
        "db9bc2577fcc2a3f", // 16
        "9447be2cf5e99a69",
        "9cd38d96f0b3c14b",
        "bd6179a71dc96dbb",
        "98eea21af25cd6be",
        "c7673b2eb0cbf2d0",
        "883ea3e395675393",
        "c8ce5ccd8c030ca8",
        "94af49f6c650adb8", // 24
        "eab8858ade92e1bc",
        "f315bb5bb835d817",
        "adcf6b0763612e2f",
        "a5c91da7acaa4dde",
        "716595876650a2a6",
        "28ef495c53a387ad",
        "42c341d8fa92d832",
        "ce7cf2722f512771", // 32
        "e37859f94623f3a7",
        "381205bb1ab0e012",
        "ae97a10fd434e015",
        "b4a31508beff4d31",
        "81396229f0907902",
        "4d0cf49ee5d4dcca",
        "5c73336a76d8bf9a",
        "d0a704536ba93e0e", // 40
        "925958fcd6420cad",
        "a915c29bc8067318",
        "952b79f3bc0aa6d4",
        "f21df2e41d4535f9",
        "87577519048f53a9",
        "10a56cf5dfcd9adb",
        "eb75095ccd986cd0",
        "51a9cb9ecba312e6", // 48
        "96afadfc2ce666c7",
        "72fe52975a4364ee",
        "5a1645b276d592a1",
        "b274cb8ebf87870a",
        "6f9bb4203de7b381",
        "eaecb2a30b22a87f",
        "9924a43cc1315724",
        "bd838d3aafbf8db7", // 56
        "0b1a2a3265d51aea",
        "135079a3231ce660",
        "932b2846e4d70666",
        "e1915f5cb1eca46c",
        "f325965ca16d629f",
        "575ff28e60381be5",
        "724506eb4c328a95",
    };

    private static readonly byte[] Key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

    private static byte[] Message(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    private static ulong Expected(int index) => BinaryPrimitives.ReadUInt64LittleEndian(Convert.FromHexString(Vectors[index]));

    [Fact]
    public void The_first_vectors_match_as_published()
    {
        Assert.Equal(0x726fdb47dd0e0e31UL, SipHash.Hash24(Key, ReadOnlySpan<byte>.Empty));
        Assert.Equal(0x74f839c593dc67fdUL, SipHash.Hash24(Key, Message(1)));
        Assert.Equal(0x0d6c8009d9a94f5aUL, SipHash.Hash24(Key, Message(2)));
        Assert.Equal(0x93f5f5799a932462UL, SipHash.Hash24(Key, Message(8)));
        Assert.Equal(0xa129ca6149be45e5UL, SipHash.Hash24(Key, Message(15)));
    }

    [Fact]
    public void All_64_reference_vectors_match()
    {
        Assert.Equal(64, Vectors.Length);
        for (int i = 0; i < Vectors.Length; i++)
            Assert.True(Expected(i) == SipHash.Hash24(Key, Message(i)), $"message of {i} bytes");
    }

    [Fact]
    public void The_last_vector_the_63_byte_message_matches()
    {
        // The published table stops at 63 bytes: seven whole words and a 7-byte tail.
        Assert.Equal(0x958a324ceb064572UL, SipHash.Hash24(Key, Message(63)));
    }

    [Fact]
    public void The_key_halves_are_little_endian_like_the_reference()
    {
        Assert.Equal(SipHash.Hash24(Key, Message(36)), SipHash.Hash24(0x0706050403020100, 0x0f0e0d0c0b0a0908, Message(36)));
        Assert.NotEqual(SipHash.Hash24(Key, Message(36)), SipHash.Hash24(0x0001020304050607, 0x08090a0b0c0d0e0f, Message(36)));
    }

    [Fact]
    public void A_key_of_the_wrong_length_panics()
    {
        Assert.Throws<PanicException>(() => SipHash.Hash24(new byte[15], Message(1)));
        Assert.Throws<PanicException>(() => SipHash.Hash24(new byte[17], Message(1)));
    }
}
