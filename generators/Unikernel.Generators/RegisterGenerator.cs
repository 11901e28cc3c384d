using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Unikernel.Registers;
using Unikernel.Registers.Boards;

namespace Unikernel.Generators
{
    /// <summary>
    /// hardware/**/*.yaml (as AdditionalFiles) to C#: one source per block file, one per SoC.
    /// Incremental: a block's source depends on its file only; a SoC's on its file and the
    /// block files it includes, so an edit regenerates just what depends on it.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class RegisterGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var files = context.AdditionalTextsProvider
                .Where(text => IsRegisterMap(text.Path))
                .Select((text, token) => new SourceFile(Normalize(text.Path), text.GetText(token)?.ToString() ?? ""))
                .WithTrackingName("RegisterMapFiles");

            context.RegisterSourceOutput(files.WithTrackingName("BlockFiles"), EmitFile);

            var socs = files.Collect()
                .SelectMany((all, _) => SocInputs(all))
                .WithTrackingName("SocInputs");
            context.RegisterSourceOutput(socs, EmitSoc);

            // Boards: constants for the drivers, checked against their SoC's instances. A board's
            // step sees its own file and its SoC's only, so other edits leave it cached.
            var boards = context.AdditionalTextsProvider
                .Where(text => IsBoardFile(text.Path))
                .Select((text, token) => new SourceFile(Normalize(text.Path), text.GetText(token)?.ToString() ?? ""))
                .Select((file, _) => (File: file, Soc: BoardFileReader.Read(file.Path, file.Text).Board?.Soc))
                .Combine(files.Collect())
                .Select((pair, _) => new BoardInput(pair.Left.File, SocFileOf(pair.Left.Soc, pair.Right)))
                .WithTrackingName("BoardInputs");
            context.RegisterSourceOutput(boards, EmitBoard);

            // The image's signing key (BootSigning): in a bare-metal build, Metal.props writes the
            // board and the key given to the build (`--key`'s SigningPublicKey) to
            // obj/.../boot-signing.txt; the key given wins, else the board file's signing:
            // public-key, else none. Host builds have no such file and get no BootSigning.
            var signing = context.AdditionalTextsProvider
                .Where(text => Path.GetFileName(text.Path) == "boot-signing.txt")
                .Select((text, token) => text.GetText(token)?.ToString() ?? "")
                .Combine(context.AdditionalTextsProvider
                    .Where(text => IsBoardFile(text.Path))
                    .Select((text, token) => new SourceFile(Normalize(text.Path), text.GetText(token)?.ToString() ?? ""))
                    .Collect()
                    .Select((all, _) => new EquatableArray<SourceFile>(all)))
                .Select((pair, _) =>
                {
                    string board = Setting(pair.Left, "board"), key = Setting(pair.Left, "key");
                    return new SigningInput(board, key, pair.Right.FirstOrDefault(f => f.Path.EndsWith("/hardware/boards/" + board + ".yaml", StringComparison.Ordinal)));
                })
                .WithTrackingName("SigningInput");
            context.RegisterSourceOutput(signing, EmitBootSigning);
        }

        /// <summary>The value of a NAME=VALUE line of boot-signing.txt, or "".</summary>
        private static string Setting(string text, string name)
        {
            foreach (string line in text.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith(name + "=", StringComparison.Ordinal))
                    return trimmed.Substring(name.Length + 1);
            }
            return "";
        }

        private static void EmitBootSigning(SourceProductionContext context, SigningInput input)
        {
            if (input.Board.Length == 0)
                return;
            if (input.Key.Trim().Length > 0)
            {
                string? key = SigningKey.Normalize(input.Key);
                if (key == null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.For(RegisterDiagnostic.InvalidValue), Location.None,
                        $"SigningPublicKey must be an Ed25519 public key, 64 hex digits, not '{input.Key}'"));
                    return;
                }
                context.AddSource("BootSigning.g.cs", SourceText.From(SigningKey.BootSigningSource(key, "the key given to the build (SigningPublicKey, ./unikernel build --key)"), Encoding.UTF8));
                return;
            }
            // A board file with mistakes reports them in EmitBoard; here it only has no key.
            var board = input.BoardFile == null ? null : BoardFileReader.Read(input.BoardFile.Path, input.BoardFile.Text).Board;
            string origin = board?.SigningPublicKey == null ? $"no key in hardware/boards/{input.Board}.yaml nor given to the build" : $"signing: public-key in hardware/boards/{input.Board}.yaml";
            context.AddSource("BootSigning.g.cs", SourceText.From(SigningKey.BootSigningSource(board?.SigningPublicKey, origin), Encoding.UTF8));
        }

        private static SourceFile? SocFileOf(string? id, ImmutableArray<SourceFile> files) =>
            id == null ? null : files.FirstOrDefault(f => f.Path.EndsWith("/hardware/" + id + ".yaml", StringComparison.Ordinal));

        /// <summary>
        /// Every mistake in the board file is a diagnostic at its place (docs/registers.md), so a
        /// build fails at the file, line and column; a board with mistakes gets no constants.
        /// </summary>
        private static void EmitBoard(SourceProductionContext context, BoardInput input)
        {
            var (board, diagnostics) = BoardFileReader.Read(input.Board.Path, input.Board.Text);
            Report(context, input.Board, diagnostics);
            if (board == null)
                return;
            var soc = input.Soc == null ? null : YamlMapReader.Read(input.Soc.Path, input.Soc.Text).Soc;
            if (soc != null)
                Report(context, input.Board, BoardFileReader.CheckAgainstSoc(board, soc));
            context.AddSource($"Board.{Path.GetFileNameWithoutExtension(input.Board.Path)}.g.cs", SafeEmit(context, input.Board, () => BoardEmitter.Board(board, soc)));
        }

        /// <summary>Everything under a hardware/ directory except the board files.</summary>
        public static bool IsRegisterMap(string path)
        {
            string normalized = Normalize(path);
            return normalized.EndsWith(".yaml", StringComparison.Ordinal)
                && normalized.Contains("/hardware/")
                && !normalized.Contains("/hardware/boards/");
        }

        private static bool IsBoardFile(string path) =>
            Normalize(path).Contains("/hardware/boards/") && path.EndsWith(".yaml", StringComparison.Ordinal);

        // AdditionalFiles may come as "src/Drivers/../../hardware/...": compare resolved paths.
        private static string Normalize(string path) => Path.GetFullPath(path).Replace('\\', '/');

        private static void EmitFile(SourceProductionContext context, SourceFile file)
        {
            var parsed = YamlMapReader.Read(file.Path, file.Text);
            Report(context, file, parsed.Diagnostics);
            if (parsed.Block != null)
                context.AddSource($"{parsed.Block.CSharpName}.g.cs", SafeEmit(context, file, () => CSharpEmitter.Block(parsed.Block)));
        }

        private static IEnumerable<SocInput> SocInputs(ImmutableArray<SourceFile> all)
        {
            var byPath = all.ToDictionary(f => f.Path, f => f);
            foreach (var file in all.OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                if (!LooksLikeSoc(file.Text))
                    continue;
                // The SoC step sees its own file and the files of hardware/ it may include:
                // unchanged inputs mean a cached step, so other SoCs are not regenerated.
                var dependencies = all.Where(f => f.Path != file.Path && ReferencedBy(file, f.Path))
                    .OrderBy(f => f.Path, StringComparer.Ordinal).ToImmutableArray();
                yield return new SocInput(file, new EquatableArray<SourceFile>(dependencies));
            }
        }

        private static bool LooksLikeSoc(string text) =>
            text.StartsWith("soc:", StringComparison.Ordinal) || text.Contains("\nsoc:");

        private static bool ReferencedBy(SourceFile soc, string path)
        {
            int at = path.LastIndexOf("/hardware/", StringComparison.Ordinal);
            return at >= 0 && soc.Text.Contains(path.Substring(at + "/hardware/".Length));
        }

        private static void EmitSoc(SourceProductionContext context, SocInput input)
        {
            var parsed = YamlMapReader.Read(input.Soc.Path, input.Soc.Text);
            if (parsed.Soc == null)
                return; // its own diagnostics were reported by EmitFile
            var files = new Dictionary<string, HardwareFile>();
            foreach (var dependency in input.Dependencies)
                files[dependency.Path] = YamlMapReader.Read(dependency.Path, dependency.Text);
            var resolved = SocResolver.Resolve(parsed.Soc, files);
            Report(context, input.Soc, resolved.Diagnostics);
            context.AddSource($"{parsed.Soc.CSharpName}.Soc.g.cs", SafeEmit(context, input.Soc, () => CSharpEmitter.Soc(resolved)));
        }

        private static SourceText SafeEmit(SourceProductionContext context, SourceFile file, Func<string> emit)
        {
            try
            {
                return SourceText.From(emit(), Encoding.UTF8);
            }
            catch (Exception error)
            {
                Report(context, file, new[] { new RegisterDiagnostic(RegisterDiagnostic.InternalError,
                    $"internal error generating code: {error.GetType().Name}: {error.Message}", file.Path, 1, 1, 0, 0) });
                return SourceText.From("// generation failed: see diagnostic UK0099\n", Encoding.UTF8);
            }
        }

        private static void Report(SourceProductionContext context, SourceFile file, IEnumerable<RegisterDiagnostic> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
            {
                var start = new LinePosition(Math.Max(0, diagnostic.Line - 1), Math.Max(0, diagnostic.Column - 1));
                int length = Math.Max(0, Math.Min(diagnostic.Length, Math.Max(0, file.Text.Length - diagnostic.Index)));
                var span = new TextSpan(Math.Min(Math.Max(0, diagnostic.Index), file.Text.Length), length);
                var location = Location.Create(diagnostic.Path, span, new LinePositionSpan(start, start));
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.For(diagnostic.Id), location, diagnostic.Message));
            }
        }
    }

    /// <summary>A YAML file's path and text; equal when both are, so unchanged files are cached.</summary>
    internal sealed record SourceFile(string Path, string Text);

    internal sealed record SocInput(SourceFile Soc, EquatableArray<SourceFile> Dependencies);

    internal sealed record BoardInput(SourceFile Board, SourceFile? Soc);

    internal sealed record SigningInput(string Board, string Key, SourceFile? BoardFile);

    /// <summary>An immutable array compared by its items, as incremental generator inputs must be.</summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T> where T : IEquatable<T>
    {
        private readonly ImmutableArray<T> _items;

        public EquatableArray(ImmutableArray<T> items) => _items = items;

        public bool Equals(EquatableArray<T> other) => _items.AsSpan().SequenceEqual(other._items.AsSpan());

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            int hash = 17;
            foreach (var item in _items)
                hash = hash * 31 + item.GetHashCode();
            return hash;
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
