using System.Text;
using Unikernel.Tests.Image;
using Unikernel.Tool.Build;
using Unikernel.Tool.New;

namespace Unikernel.Tests.Tool;

/// <summary>
/// `unikernel new`: the project it writes, the names and directories it refuses, and that the
/// template builds into a kernel image from outside the repository. In the "Images" collection:
/// the build compiles the shared projects the image fixture builds.
/// </summary>
[Collection("Images")]
public sealed class NewCommandTests(ImageFixture images) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("unikernel-new-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private (int Exit, string Output) New(string name, string directory, string board = "orangepi-pc")
    {
        var writer = new StringWriter();
        int exit = NewCommand.Run(PlainConsole.Create(writer), images.Root, name, board, directory);
        return (exit, writer.ToString());
    }

    [Theory]
    [InlineData("1kernel", "start with a letter")]
    [InlineData("my-kernel", "use letters, digits and _")]
    [InlineData("my kernel", "use letters, digits and _")]
    [InlineData("Kernel.Net", "use letters, digits and _")]
    [InlineData("class", "is a C# keyword")]
    [InlineData("", "the kernel's name is empty")]
    public void A_name_that_cannot_be_a_csharp_identifier_is_refused_and_nothing_is_written(string name, string reason)
    {
        string directory = Path.Combine(_work, "project");
        var (exit, output) = New(name, directory);
        Assert.Equal(1, exit);
        Assert.Contains("error:", output);
        Assert.Contains(reason, output);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void An_existing_directory_that_is_not_empty_is_refused_and_left_as_it_was()
    {
        string directory = Path.Combine(_work, "taken");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "mine");
        var (exit, output) = New("MyKernel", directory);
        Assert.Equal(1, exit);
        Assert.Contains($"{directory} exists and is not empty", output);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(directory).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(directory, "notes.txt")));
    }

    [Fact]
    public void An_unknown_board_is_refused_naming_the_known_ones()
    {
        string directory = Path.Combine(_work, "project");
        var (exit, output) = New("MyKernel", directory, "pine64");
        Assert.Equal(1, exit);
        Assert.Contains("no board named 'pine64'; known boards: orangepi-pc, pine64-plus, qemu-virt", output);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void The_project_names_the_kit_by_its_absolute_path_and_its_board()
    {
        string directory = Path.Combine(_work, "empty");
        Directory.CreateDirectory(directory);
        var (exit, output) = New("MyKernel", directory, "qemu-virt");
        Assert.True(exit == 0, output);
        Assert.Contains($"created {Path.Combine(directory, "MyKernel.csproj")}", output);
        Assert.Contains("run --project", output);
        string project = File.ReadAllText(Path.Combine(directory, "MyKernel.csproj"));
        Assert.Contains($"<UnikernelRoot>{images.Root.TrimEnd('/')}/</UnikernelRoot>", project);
        Assert.Contains(">qemu-virt</Board>", project);
        Assert.Contains("<AssemblyName>MyKernel</AssemblyName>", project);
        Assert.DoesNotContain("{{", project);
        string program = File.ReadAllText(Path.Combine(directory, "Program.cs"));
        Assert.Contains("namespace MyKernel;", program);
        Assert.Contains("\"hello from MyKernel on \"", program);
        Assert.DoesNotContain("{{", program);
        var read = ImageProject.Find(directory);
        Assert.True(read.IsKernel);
        Assert.Equal("qemu-virt", read.Board);
    }

    /// <summary>The template, made outside the repository, builds into a kernel image linked at the board's kernel address.</summary>
    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void The_template_builds_into_a_kernel_image_from_outside_the_repository(string board)
    {
        string directory = Path.Combine(_work, "TemplateKernel");
        Assert.Equal(0, New("TemplateKernel", directory, board).Exit);
        var file = images.Board(board);
        var built = new ImageBuilder(images.Root).BuildKernelProject(file, Path.Combine(_work, "out"), Path.Combine(directory, "TemplateKernel.csproj"));
        byte[] image = File.ReadAllBytes(built.KernelImage);
        Assert.True(Unikernel.Boot.Image.KernelImage.StartsWithMagic(image));
        var elf = ElfFile.Read(built.Elf);
        ulong halt = elf.Symbols.Single(symbol => symbol.Name == "__unikernel_halt").Value;
        Assert.InRange(halt, file.Kernel!.Load.Address, file.Kernel.Load.Address + (ulong)image.Length);
        // The greeting, a u8 literal: UTF-8 bytes in the image's read-only data.
        Assert.True(image.AsSpan().IndexOf(Encoding.UTF8.GetBytes("hello from TemplateKernel on ")) >= 0);
    }
}
