using Unikernel.Tool.Build;

namespace Unikernel.Tests;

[Collection("Images")]
public class SizeLimitTests(ImageFixture images)
{
    [Fact]
    public void Build_fails_with_a_clear_message_when_the_first_stage_does_not_fit()
    {
        var board = images.Board("orangepi-pc");
        var tooSmall = board with { Load = board.Load with { Size = 4096 } };
        string output = Directory.CreateTempSubdirectory("unikernel-too-big-").FullName;
        try
        {
            var error = Assert.Throws<BuildFailure>(() => new ImageBuilder(images.Root).Build(tooSmall, output));
            Assert.Contains("orangepi-pc: Bootloader.bin is", error.Message);
            Assert.Contains("the boot ROM loads at most 4096 bytes", error.Message);
            Assert.Contains("bytes too many", error.Message);
            Assert.Contains("size-report.txt", error.Message);
            Assert.False(File.Exists(Path.Combine(output, "Bootloader.bin")), "an image that does not fit must not be written");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("pine64-plus")]
    [InlineData("qemu-virt")]
    public void Size_report_lists_sections_and_the_total_against_the_limit(string board)
    {
        var image = images.Bootloaders[board];
        string report = File.ReadAllText(Path.Combine(image.Directory, "size-report.txt"));
        Assert.Contains(".text", report);
        Assert.Contains(".rodata", report);
        Assert.Contains(".stack", report);
        Assert.Contains($"image      {new FileInfo(image.Binary).Length} bytes of {image.Board.LoadLimit}", report);
    }
}
