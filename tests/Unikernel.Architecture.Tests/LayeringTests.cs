using System.Reflection;
using Mono.Cecil;
using NetArchTest.Rules;

namespace Unikernel.Architecture.Tests;

/// <summary>
/// Which shared project may use which, read from their host builds (the same sources go into
/// every image through src/Runtime/Metal.props). Bottom up: Platform; Drivers and Net on it;
/// Image on it; Netboot on Net and Image; the boards on all of these; the kit (src/Kit) on the
/// boards; the image programs (Boot, Loader, samples) on all.
/// </summary>
public class LayeringTests
{
    private static readonly Assembly Platform = Assembly.Load("Unikernel.Platform");
    private static readonly Assembly Drivers = Assembly.Load("Unikernel.Drivers");
    private static readonly Assembly Net = Assembly.Load("Unikernel.Net");
    private static readonly Assembly Image = Assembly.Load("Unikernel.Image");
    private static readonly Assembly Netboot = Assembly.Load("Unikernel.Netboot");

    // The boards, the kit and the image programs are compiled into images only, so their types
    // are read from their sources. Kernel is a partial class the corelib and the platform declare
    // and a board adds its console to: not the board's.
    private static readonly string[] BoardAndProgramTypes =
        DeclaredTypes.In("src/Boards", "src/Kit", "src/Boot", "src/Loader")
            .Except(DeclaredTypes.In("src/Runtime", "src/Platform"))
            .Order(StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void Net_uses_no_driver_board_or_boot_type() =>
        AssertUsesNone(Net, "Unikernel.Net", [.. TypesOf(Drivers), .. TypesOf(Image), .. TypesOf(Netboot), .. BoardAndProgramTypes]);

    [Fact]
    public void Drivers_use_no_board_or_network_type() =>
        AssertUsesNone(Drivers, "Unikernel.Drivers", [.. TypesOf(Net), .. TypesOf(Image), .. TypesOf(Netboot), .. BoardAndProgramTypes]);

    [Fact]
    public void Platform_uses_no_driver_network_image_netboot_or_board_type() =>
        AssertUsesNone(Platform, "Unikernel.Platform", [.. TypesOf(Drivers), .. TypesOf(Net), .. TypesOf(Image), .. TypesOf(Netboot), .. BoardAndProgramTypes]);

    [Fact]
    public void Image_uses_no_driver_or_board_type() =>
        AssertUsesNone(Image, "Unikernel.Image", [.. TypesOf(Drivers), .. BoardAndProgramTypes]);

    [Fact]
    public void Netboot_uses_no_driver_or_board_type() =>
        AssertUsesNone(Netboot, "Unikernel.Netboot", [.. TypesOf(Drivers), .. BoardAndProgramTypes]);

    // TCP works on IP segments: the link layer (frames, MAC addresses) is the interface's business.
    // The folder's types are named from its sources: they are not all in Unikernel.Net.Tcp.
    [Fact]
    public void Tcp_folder_uses_no_ethernet_frame_or_mac_address() =>
        AssertUsesNone(Net, "src/Net/Tcp", ["Unikernel.Net.Wire.EthernetFrame", "Unikernel.Net.Wire.MacAddress"], new DeclaredIn(DeclaredTypes.In("src/Net/Tcp")));

    // HTTP is an application of TCP: it reaches connections through the socket set's handles only.
    [Fact]
    public void Http_folder_uses_tcp_only_through_the_socket_set() =>
        AssertUsesNone(Net, "src/Net/Http",
            ["Unikernel.Net.TcpSocket", "Unikernel.Net.ByteRing", "Unikernel.Net.Tcp.TcpRepr", "Unikernel.Net.Wire.EthernetFrame", "Unikernel.Net.Wire.MacAddress"],
            new DeclaredIn(DeclaredTypes.In("src/Net/Http")));

    [Fact]
    public void Board_and_program_types_are_found_in_their_sources()
    {
        // The rules above are only as good as this list: an empty one would pass anything.
        Assert.Contains("Unikernel.Boot.Board", BoardAndProgramTypes);
        Assert.Contains("Unikernel.Boot.IBoard", BoardAndProgramTypes);
        Assert.Contains("Unikernel.Kit.KernelNetwork", BoardAndProgramTypes);
        Assert.DoesNotContain("Unikernel.Kernel", BoardAndProgramTypes);
    }

    // The kit stands on the boards: a board that used the kit would make the two one layer.
    [Fact]
    public void Boards_use_no_kit_type()
    {
        var kitTypes = DeclaredTypes.In("src/Kit").Select(name => name[(name.LastIndexOf('.') + 1)..].Split('`')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("KernelNetwork", kitTypes);
        var offences = new List<string>();
        foreach (string file in SourceFiles.Under(RepositoryRoot.Combine("src/Boards")))
        {
            var root = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                string? used = node switch
                {
                    Microsoft.CodeAnalysis.CSharp.Syntax.UsingDirectiveSyntax directive when directive.Name?.ToString().StartsWith("Unikernel.Kit", StringComparison.Ordinal) == true => directive.Name.ToString(),
                    Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax name when kitTypes.Contains(name.Identifier.Text) => name.Identifier.Text,
                    _ => null,
                };
                if (used is not null)
                    offences.Add($"{RepositoryRoot.Relative(file)}: {used}");
            }
        }
        Assert.True(offences.Count == 0, $"src/Boards must not use the kit (src/Kit stands on the boards), but:\n  {string.Join("\n  ", offences.Distinct())}");
    }

    /// <summary>The top-level types an assembly defines in our namespaces (not the compiler's own).</summary>
    private static IEnumerable<string> TypesOf(Assembly assembly) =>
        assembly.GetTypes()
            .Where(type => !type.IsNested && !type.Name.StartsWith('<') && type.Namespace is { } name && (name == "Unikernel" || name.StartsWith("Unikernel.", StringComparison.Ordinal)))
            .Select(type => type.FullName!);

    private static void AssertUsesNone(Assembly assembly, string layer, string[] forbidden, ICustomRule? scope = null)
    {
        Assert.NotEmpty(forbidden);
        // NetArchTest's selections grow in place: a fresh one for each question.
        Predicates Select() => Types.InAssembly(assembly).That().MeetCustomRule(scope ?? new Everything()).And();
        var result = Select().HaveNameMatching(".").ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        if (result.IsSuccessful)
            return;
        // Name each offending type with what it uses: NetArchTest gives the types only.
        var offences = forbidden
            .SelectMany(used => Select().HaveDependencyOn(used).GetTypes().Select(type => $"{type.FullName} uses {used}"))
            .Distinct()
            .Order(StringComparer.Ordinal);
        Assert.Fail($"{layer} must not use these types, but:\n  {string.Join("\n  ", offences)}\n(offending types: {string.Join(", ", result.FailingTypeNames)})");
    }

    private sealed class Everything : ICustomRule
    {
        public bool MeetsRule(TypeDefinition type) => true;
    }

    /// <summary>Selects the types declared in a set of top-level types, with their nested ones.</summary>
    private sealed class DeclaredIn(HashSet<string> topLevelTypes) : ICustomRule
    {
        public bool MeetsRule(TypeDefinition type)
        {
            while (type.DeclaringType is not null)
                type = type.DeclaringType;
            return topLevelTypes.Contains(type.FullName);
        }
    }
}
