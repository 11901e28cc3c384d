using System.Buffers.Binary;
using System.Text;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

public class EgonImageTests
{
    private static byte[] LinkedImage(int length)
    {
        var image = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(image, 0xEA000006); // b +0x20
        Encoding.ASCII.GetBytes("eGON.BT0").CopyTo(image, 4);
        for (int i = 32; i < length; i++)
            image[i] = (byte)(i * 7);
        return image;
    }

    [Fact]
    public void Seal_pads_to_whole_blocks_and_records_the_length()
    {
        byte[] sealedImage = EgonImage.Seal(LinkedImage(1000));
        Assert.Equal(1024, sealedImage.Length);
        Assert.Equal(1024u, BinaryPrimitives.ReadUInt32LittleEndian(sealedImage.AsSpan(16)));
    }

    [Fact]
    public void Sealed_image_sums_to_the_stored_checksum_with_the_seed_in_its_place()
    {
        byte[] sealedImage = EgonImage.Seal(LinkedImage(2048));
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(sealedImage.AsSpan(12));
        // The boot ROM's rule, computed independently: sum all words with the seed at the checksum.
        uint sum = 0;
        for (int offset = 0; offset < sealedImage.Length; offset += 4)
            sum += offset == 12 ? 0x5F0A6C39u : BinaryPrimitives.ReadUInt32LittleEndian(sealedImage.AsSpan(offset));
        Assert.Equal(sum, stored);
        Assert.Null(EgonImage.Validate(sealedImage));
    }

    [Fact]
    public void Validate_reports_a_flipped_bit()
    {
        byte[] sealedImage = EgonImage.Seal(LinkedImage(512));
        sealedImage[300] ^= 0x10;
        Assert.Contains("does not match", EgonImage.Validate(sealedImage));
    }

    [Fact]
    public void Validate_reports_missing_magic()
    {
        byte[] sealedImage = EgonImage.Seal(LinkedImage(512));
        sealedImage[4] = (byte)'X';
        Assert.Contains("no eGON.BT0 magic", EgonImage.Validate(sealedImage));
    }

    [Fact]
    public void Validate_reports_a_length_that_is_not_whole_blocks()
    {
        byte[] sealedImage = EgonImage.Seal(LinkedImage(512));
        BinaryPrimitives.WriteUInt32LittleEndian(sealedImage.AsSpan(16), 500);
        Assert.Contains("not a multiple of 512", EgonImage.Validate(sealedImage));
    }

    [Fact]
    public void Seal_refuses_an_image_without_the_header()
    {
        var error = Assert.Throws<BuildFailure>(() => EgonImage.Seal(new byte[512]));
        Assert.Contains("egon-header.inc", error.Message);
    }
}
