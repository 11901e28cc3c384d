using System.Buffers.Binary;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Boot.Image.Signing;
using Unikernel.Tests.Image;
using Unikernel.Tool.Signing;

namespace Unikernel.Tests.Tool;

/// <summary>
/// `unikernel keygen` and `unikernel sign`: the key files they write and read, the images they
/// sign (checked with the board's verifier, <see cref="ImageSignature"/>), and the clear refusals
/// of a missing or malformed key, a public key given as the secret one, and a file that is not a
/// version-2 image, each leaving the files as they were.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SigningCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-sign-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string PathOf(string name) => Path.Combine(_work, name);

    private static (int Exit, string Output) Keygen(string name)
    {
        var writer = new StringWriter();
        int exit = KeygenCommand.Run(PlainConsole.Create(writer), name);
        return (exit, writer.ToString());
    }

    private static (int Exit, string Output) Sign(string image, string key, string? output = null)
    {
        var writer = new StringWriter();
        int exit = SignCommand.Run(PlainConsole.Create(writer), image, key, output);
        return (exit, writer.ToString());
    }

    /// <summary>An unsigned version-2 image (docs/image-format.md): one kernel part of <paramref name="payload"/>.</summary>
    private static byte[] UnsignedImage(byte[] payload)
    {
        var image = new byte[128 + payload.Length];
        "UKIMAGE\0"u8.CopyTo(image);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x08), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x0A), 128);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x0C), (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x10), 0x4200_0000);
        image[0x19] = 1;
        var entry = image.AsSpan(64, 64);
        entry[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(0x04), (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(entry.Slice(0x08), 0x4200_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(0x10), (uint)payload.Length);
        SHA256.HashData(payload).CopyTo(entry.Slice(0x20));
        payload.CopyTo(image, 128);
        return image;
    }

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }

    [Fact]
    public void Keygen_writes_a_secret_key_for_the_owner_only_and_its_public_key()
    {
        string name = PathOf("release");
        var (exit, output) = Keygen(name);
        Assert.Equal(0, exit);
        string[] secret = File.ReadAllLines(name + ".key"), @public = File.ReadAllLines(name + ".pub");
        Assert.Equal([KeyFile.SecretKeyComment], secret[..1]);
        Assert.Equal([KeyFile.PublicKeyComment], @public[..1]);
        Assert.Matches("^[0-9a-f]{64}$", secret[1]);
        Assert.Matches("^[0-9a-f]{64}$", @public[1]);
        Assert.Equal(2, secret.Length);
        Assert.Equal(Convert.ToHexStringLower(KeyFile.PublicKeyOf(Convert.FromHexString(secret[1]))), @public[1]);
        Assert.Contains(@public[1], output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(name + ".key"));
        Assert.Equal(Convert.FromHexString(@public[1]), KeyFile.ReadPublic(name + ".pub"));
    }

    [Fact]
    public void Two_keygens_make_different_keys()
    {
        Assert.Equal(0, Keygen(PathOf("a")).Exit);
        Assert.Equal(0, Keygen(PathOf("b")).Exit);
        Assert.NotEqual(File.ReadAllText(PathOf("a.key")), File.ReadAllText(PathOf("b.key")));
    }

    [Theory]
    [InlineData(".key")]
    [InlineData(".pub")]
    public void Keygen_refuses_to_overwrite_either_file(string existing)
    {
        string name = PathOf("taken");
        File.WriteAllText(name + existing, "mine");
        var (exit, output) = Keygen(name);
        Assert.Equal(1, exit);
        Assert.Contains($"{name + existing} exists", output);
        Assert.Equal("mine", File.ReadAllText(name + existing));
        Assert.Single(Directory.GetFiles(_work));
    }

    [Fact]
    public void Sign_signs_an_unsigned_image_in_place_so_the_board_s_verifier_takes_it_with_the_public_key()
    {
        Keygen(PathOf("release"));
        byte[] payload = Payload(5000);
        string image = PathOf("kernel.img");
        File.WriteAllBytes(image, UnsignedImage(payload));

        var (exit, output) = Sign(image, PathOf("release.key"));
        Assert.Equal(0, exit);
        Assert.Contains("signed", output);
        byte[] signed = File.ReadAllBytes(image);
        Assert.Equal(128 + 64 + payload.Length, signed.Length);
        Assert.Equal(192, BinaryPrimitives.ReadUInt16LittleEndian(signed.AsSpan(0x0A)));
        Assert.Equal(64, BinaryPrimitives.ReadUInt16LittleEndian(signed.AsSpan(0x1A)));
        Assert.Equal(payload, signed[192..]);
        byte[] publicKey = KeyFile.ReadPublic(PathOf("release.pub"));
        Assert.True(ImageSignature.Check(signed, publicKey, out ImageError reason), reason.ToString());
        Assert.False(File.Exists(image + ".signing"));
    }

    [Fact]
    public void Signing_a_signed_image_again_with_another_key_replaces_its_signature()
    {
        Keygen(PathOf("old"));
        Keygen(PathOf("new"));
        string image = PathOf("kernel.img"), resigned = PathOf("resigned.img");
        File.WriteAllBytes(image, UnsignedImage(Payload(300)));
        Assert.Equal(0, Sign(image, PathOf("old.key")).Exit);
        byte[] signedOnce = File.ReadAllBytes(image);

        Assert.Equal(0, Sign(image, PathOf("new.key"), resigned).Exit);
        Assert.Equal(signedOnce, File.ReadAllBytes(image));
        byte[] signedTwice = File.ReadAllBytes(resigned);
        Assert.Equal(signedOnce.Length, signedTwice.Length);
        Assert.True(ImageSignature.Check(signedTwice, KeyFile.ReadPublic(PathOf("new.pub")), out _));
        Assert.False(ImageSignature.Check(signedTwice, KeyFile.ReadPublic(PathOf("old.pub")), out ImageError reason));
        Assert.Equal(ImageError.BadSignature, reason);
    }

    [Fact]
    public void A_missing_key_file_is_refused()
    {
        string image = PathOf("kernel.img");
        File.WriteAllBytes(image, UnsignedImage(Payload(10)));
        var (exit, output) = Sign(image, PathOf("nothing.key"));
        Assert.Equal(1, exit);
        Assert.Contains("nothing.key: no such file", output);
    }

    [Fact]
    public void A_public_key_given_as_the_secret_one_is_refused_by_its_comment_line()
    {
        Keygen(PathOf("release"));
        string image = PathOf("kernel.img");
        byte[] original = UnsignedImage(Payload(10));
        File.WriteAllBytes(image, original);
        var (exit, output) = Sign(image, PathOf("release.pub"));
        Assert.Equal(1, exit);
        Assert.Contains("not a secret key", output);
        Assert.Contains("found a public key", output);
        Assert.Equal(original, File.ReadAllBytes(image));
    }

    [Theory]
    [InlineData("", "an empty file")]
    [InlineData("0011\n", "no key comment line")]
    [InlineData(KeyFile.SecretKeyComment + "\n0011\n", "malformed")]
    [InlineData(KeyFile.SecretKeyComment + "\n" + "zz00000000000000000000000000000000000000000000000000000000000000\n", "malformed")]
    [InlineData(KeyFile.SecretKeyComment + "\n" + "0000000000000000000000000000000000000000000000000000000000000000\n00\n", "malformed")]
    public void A_malformed_key_file_is_refused(string text, string reason)
    {
        File.WriteAllText(PathOf("bad.key"), text);
        string image = PathOf("kernel.img");
        File.WriteAllBytes(image, UnsignedImage(Payload(10)));
        var (exit, output) = Sign(image, PathOf("bad.key"));
        Assert.Equal(1, exit);
        Assert.Contains(reason, output);
    }

    [Fact]
    public void A_file_that_is_not_a_version_2_image_is_refused_and_left_as_it_was()
    {
        Keygen(PathOf("release"));
        var cases = new (string Name, byte[] Bytes, string Reason)[]
        {
            ("raw.bin", Payload(1000), "no UKIMAGE magic"),
            ("v1.img", Version1Image(), "a version 1 image: only version 2 images carry a signature"),
            ("short.img", UnsignedImage(Payload(100))[..150], "the header announces 100 payload bytes but the file has 22"),
            ("long.img", [.. UnsignedImage(Payload(100)), 0], "the header announces 100 payload bytes but the file has 101"),
            ("tiny.img", "UKIMAGE\0"u8.ToArray(), "truncated image"),
        };
        foreach (var (name, bytes, reason) in cases)
        {
            string image = PathOf(name);
            File.WriteAllBytes(image, bytes);
            var (exit, output) = Sign(image, PathOf("release.key"));
            Assert.Equal(1, exit);
            Assert.Contains($"{image}: ", output);
            Assert.Contains(reason, output);
            Assert.Equal(bytes, File.ReadAllBytes(image));
        }
        Assert.Equal(1, Sign(PathOf("absent.img"), PathOf("release.key")).Exit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void A_bad_part_count_is_refused(int parts)
    {
        byte[] image = UnsignedImage(Payload(10));
        image[0x19] = (byte)parts;
        var error = Assert.Throws<SigningFailure>(() => ImageSigner.Sign(image, new byte[32]));
        Assert.Contains($"bad part count {parts}", error.Message);
    }

    private static byte[] Version1Image()
    {
        var image = new byte[64 + 16];
        "UKIMAGE\0"u8.CopyTo(image);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x08), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x0A), 64);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x0C), 16);
        return image;
    }
}
