using System.Text;
using Unikernel.Registers.Boards;

namespace Unikernel.Tool.Build;

/// <summary>What an image is made of, section by section, and how much of the loader's limit it takes.</summary>
public sealed record SizeReport(string Board, string ImageName, IReadOnlyList<ElfFile.Section> Sections, long ImageBytes, ulong Limit, string LimitSource)
{
    public bool Fits => (ulong)ImageBytes <= Limit;

    public static SizeReport From(BoardFile board, string imageName, ElfFile elf, long imageBytes)
    {
        var sections = elf.Sections.Where(s => s.IsAllocated && s.Size > 0).ToList();
        string source = board.Format == ImageFormat.Egon ? "the boot ROM loads at most" : $"the {board.Load.Region.Name} region holds";
        return new SizeReport(board.Name, imageName, sections, imageBytes, board.LoadLimit, source);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Board}: {ImageName}");
        text.AppendLine($"  {"section",-10} {"address",-18} {"bytes",8}  kind");
        foreach (var section in Sections)
            text.AppendLine($"  {section.Name,-10} 0x{section.Address:x16} {section.Size,8}  {(section.IsLoaded ? "image" : "ram (not loaded)")}");
        double percent = 100.0 * ImageBytes / Limit;
        text.AppendLine($"  image      {ImageBytes} bytes of {Limit} ({percent:0.0}%): {SourceSentence}");
        return text.ToString();
    }

    private string SourceSentence => $"{LimitSource} {Limit} bytes" + (Fits ? "" : $"; {ImageBytes - (long)Limit} bytes over");
}
