using Unikernel.Registers;

namespace Unikernel.Tool.Build;

/// <summary>
/// The register reference (docs/registers/&lt;soc&gt;.md) and CMSIS-SVD files (build/svd/&lt;soc&gt;.svd),
/// made from hardware/*.yaml by the same model as the generated code, on every build.
/// </summary>
public static class RegisterDocuments
{
    public sealed record Summary(string Name, int Peripherals, int Instances, int Registers, int Fields);

    /// <summary>Reads and checks every register map; throws a <see cref="BuildFailure"/> listing the problems.</summary>
    public static (IReadOnlyList<ResolvedSoc> Socs, IReadOnlyList<BlockModel> Devices) Load(string repositoryRoot)
    {
        string hardware = Path.Combine(repositoryRoot, "hardware");
        var files = Directory.GetFiles(hardware, "*.yaml", SearchOption.AllDirectories)
            .Select(p => p.Replace('\\', '/'))
            .Where(p => !p.Contains("/hardware/boards/"))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => YamlMapReader.Read(p, File.ReadAllText(p)))
            .ToList();
        var byPath = files.ToDictionary(f => f.Path);
        var problems = files.SelectMany(f => f.Diagnostics).ToList();
        var socs = files.Where(f => f.Soc != null).Select(f => SocResolver.Resolve(f.Soc!, byPath)).ToList();
        problems.AddRange(socs.SelectMany(s => s.Diagnostics));
        if (problems.Count > 0)
            throw new BuildFailure("the register maps have problems:\n" + string.Join("\n", problems.Select(p => p.ToString())));
        var devices = files.Where(f => f.Block?.Kind == BlockKind.Serial).Select(f => f.Block!).ToList();
        return (socs, devices);
    }

    /// <summary>Writes the documents; files whose text did not change are left alone.</summary>
    public static IReadOnlyList<Summary> Write(string repositoryRoot)
    {
        var (socs, devices) = Load(repositoryRoot);
        string docs = Path.Combine(repositoryRoot, "docs", "registers");
        string svd = Path.Combine(repositoryRoot, "build", "svd");
        Directory.CreateDirectory(docs);
        Directory.CreateDirectory(svd);
        var summaries = new List<Summary>();
        foreach (var soc in socs)
        {
            WriteIfChanged(Path.Combine(docs, soc.Soc.Id + ".md"), MarkdownEmitter.Soc(soc));
            WriteIfChanged(Path.Combine(svd, soc.Soc.Id + ".svd"), SvdEmitter.Soc(soc));
            var blocks = soc.Peripherals.Select(p => p.Block).ToList();
            summaries.Add(new Summary(soc.Soc.Id, soc.Peripherals.Count, soc.Peripherals.Sum(p => p.Peripheral.Instances.Count),
                soc.Peripherals.Sum(p => p.Block.RegisterCount), soc.Peripherals.Sum(p => p.Block.FieldCount)));
        }
        foreach (var device in devices)
        {
            WriteIfChanged(Path.Combine(docs, device.Id + ".md"), MarkdownEmitter.Device(device));
            summaries.Add(new Summary(device.Id, 1, 1, device.RegisterCount, device.FieldCount));
        }
        return summaries;
    }

    private static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text)
            File.WriteAllText(path, text);
    }
}
