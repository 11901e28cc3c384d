using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;

namespace Unikernel.Tests.Signing;

/// <summary>
/// A board file's <c>signing: { public-key: HEX }</c>: read by the reader the generator and the
/// tool share, refused with its place when it is not 64 hex digits, and turned into the generated
/// BootSigning class (the key's 32 bytes, or none).
/// </summary>
public class BoardSigningKeyTests
{
    private const string Key = "D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A";

    private const string Valid = """
        name: test-board
        description: A test board
        soc: h3
        cpu: cortex-a7
        arch: arm
        console: { uart: UART0, clock: 24000000, baud: 115200 }
        memory:
          sram: { base: 0x0, size: 0x10000 }
          dram: { base: 0x40000000, size: 0x40000000 }
        image:
          entry: armv7
          format: egon
          load: { region: sram, offset: 0, limit: 0x8000 }
          ram: { region: sram, offset: 0x8000, size: 0x8000 }
          heap: 0x2000
          stack: 0x4000
        """;

    private static BoardFile Parse(string text) => BoardCatalog.Parse("/boards/test-board.yaml", text);

    [Fact]
    public void A_board_without_signing_has_no_key()
    {
        Assert.Null(Parse(Valid).SigningPublicKey);
    }

    [Fact]
    public void The_public_key_is_read_and_lowercased()
    {
        var board = Parse(Valid + "\nsigning: { public-key: " + Key + " }\n");
        Assert.Equal(Key.ToLowerInvariant(), board.SigningPublicKey);
    }

    [Theory]
    [InlineData("d75a98")]
    [InlineData("zz5a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")]
    [InlineData("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00")]
    public void A_public_key_that_is_not_64_hex_digits_is_refused_at_its_place(string key)
    {
        var error = Assert.Throws<BoardFileException>(() => Parse(Valid + "\nsigning: { public-key: " + key + " }\n"));
        Assert.Contains("public-key must be an Ed25519 public key: 64 hex digits", error.Message);
        Assert.Equal(17, error.Diagnostics[0].Line);
    }

    [Fact]
    public void An_unknown_key_under_signing_is_refused()
    {
        var error = Assert.Throws<BoardFileException>(() => Parse(Valid + "\nsigning: { public-key: " + Key + ", secret-key: x }\n"));
        Assert.Contains("secret-key", error.Message);
    }

    [Fact]
    public void Boot_signing_holds_the_key_bytes_or_none()
    {
        string with = SigningKey.BootSigningSource(Key.ToLowerInvariant(), "test");
        Assert.Contains("PublicKey => new byte[] { 0xd7, 0x5a, 0x98,", with);
        Assert.Contains("0x51, 0x1a };", with);
        Assert.Equal(32, with.Split("0x").Length - 1);
        string without = SigningKey.BootSigningSource(null, "test");
        Assert.Contains("PublicKey => default;", without);
    }
}
