using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Unikernel.Drivers.Bus;
using Unikernel.Generators;

namespace Unikernel.Tests.Registers;

/// <summary>Runs the register generator on YAML held in memory, as the compiler would.</summary>
public static class GeneratorHarness
{
    public const string Root = "/repo/hardware/";

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(IMmio).Assembly.Location)
            // The host twin of Kernel (panics in generated setters) is the platform's.
            .Append(typeof(Unikernel.Kernel).Assembly.Location);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static AdditionalText File(string relativePath, string text) => new InMemoryAdditionalText(Root + relativePath, text);

    public static AdditionalText FileAt(string absolutePath, string text) => new InMemoryAdditionalText(absolutePath, text);

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create("RegisterTest",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(params AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(
            [new RegisterGenerator().AsSourceGenerator()],
            files,
            (CSharpParseOptions)CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its diagnostics and the compiled result's.</summary>
    public static Result Run(IEnumerable<AdditionalText> files, params string[] sources)
    {
        var driver = Driver([.. files]).RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        return new Result(run, output, generatorDiagnostics, output.GetDiagnostics());
    }

    public sealed record Result(GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> CompileDiagnostics)
    {
        public string Source(string hint) => Run.Results.SelectMany(r => r.GeneratedSources).Single(s => s.HintName == hint).SourceText.ToString();

        public IEnumerable<Diagnostic> Errors => CompileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>Emits the compilation and loads it, for tests that run the generated code.</summary>
        public Assembly Load()
        {
            using var stream = new MemoryStream();
            var emit = Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            return Assembly.Load(stream.ToArray());
        }
    }
}
