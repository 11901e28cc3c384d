using System.Text;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Linux;

/// <summary>
/// The loadable modules of an unpacked kernel package (lib/modules/RELEASE/kernel/**.ko): which
/// module needs which, from each module's own <c>depends=</c> entry (what modpost wrote into its
/// .modinfo section from the symbols it imports, and what depmod reads too). Debian's package
/// carries no modules.dep, and this host need not have kmod: <see cref="Dependencies"/> and
/// <see cref="ModulesDep"/> stand in for `depmod -b`.
/// </summary>
public sealed class KernelModules
{
    private readonly Dictionary<string, string> _paths = [];

    /// <param name="moduleDirectory">lib/modules/RELEASE of the unpacked package.</param>
    public KernelModules(string moduleDirectory)
    {
        Directory = moduleDirectory;
        foreach (string file in System.IO.Directory.EnumerateFiles(Path.Combine(moduleDirectory, "kernel"), "*.ko", SearchOption.AllDirectories))
            _paths[Normalize(Path.GetFileNameWithoutExtension(file))] = Path.GetRelativePath(moduleDirectory, file);
    }

    /// <summary>lib/modules/RELEASE.</summary>
    public string Directory { get; }

    /// <summary>A module's path relative to <see cref="Directory"/> (kernel/drivers/...ko).</summary>
    public string PathOf(string module) =>
        _paths.TryGetValue(Normalize(module), out string? path) ? path : throw new BuildFailure($"the kernel has no module {module} under {Directory}");

    /// <summary>
    /// <paramref name="modules"/> and everything they need, in an order that loads: each module after
    /// all of its dependencies.
    /// </summary>
    public IReadOnlyList<string> LoadOrder(IEnumerable<string> modules)
    {
        var order = new List<string>();
        var visiting = new HashSet<string>();
        void Visit(string module)
        {
            string name = Normalize(module);
            if (order.Contains(name))
                return;
            if (!visiting.Add(name))
                throw new BuildFailure($"module {module} depends on itself through its dependencies");
            foreach (string dependency in Dependencies(name))
                Visit(dependency);
            order.Add(name);
        }
        foreach (string module in modules)
            Visit(module);
        return order;
    }

    /// <summary>The modules <paramref name="module"/> names in its .modinfo <c>depends=</c> entry.</summary>
    public IReadOnlyList<string> Dependencies(string module)
    {
        byte[] content = File.ReadAllBytes(Path.Combine(Directory, PathOf(module)));
        // .modinfo holds NUL-terminated key=value strings; depends= is always present (empty for none).
        ReadOnlySpan<byte> key = "\0depends="u8;
        int at = content.AsSpan().IndexOf(key);
        if (at < 0)
            throw new BuildFailure($"module {module} has no depends= entry in its .modinfo: not a kernel module?");
        var value = content.AsSpan(at + key.Length);
        value = value[..value.IndexOf((byte)0)];
        return Encoding.ASCII.GetString(value).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Normalize).ToList();
    }

    /// <summary>
    /// modules.dep for the modules of <paramref name="loadOrder"/>, as depmod writes it: one line a
    /// module, "path: dependency paths", the dependencies listed last-loaded first, so that a modprobe
    /// (busybox's too) loads them from the end of the line.
    /// </summary>
    public string ModulesDep(IReadOnlyList<string> loadOrder)
    {
        var text = new StringBuilder();
        foreach (string module in loadOrder)
        {
            var needed = LoadOrder([module]).Where(name => name != Normalize(module)).Reverse().Select(PathOf);
            text.Append(PathOf(module)).Append(':');
            foreach (string path in needed)
                text.Append(' ').Append(path);
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The kernel treats '-' and '_' in module names alike.</summary>
    private static string Normalize(string module) => module.Replace('-', '_');
}
