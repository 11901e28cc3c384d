using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unikernel.Registers
{
    /// <summary>
    /// Loads the YAML of a register map or board file, reporting a syntax error as a UK0001
    /// diagnostic at its position instead of throwing: the one place both readers parse text.
    /// </summary>
    internal static class YamlText
    {
        /// <summary>The loaded stream, or null after adding the syntax error to <paramref name="diagnostics"/>.</summary>
        public static YamlStream? TryLoad(string text, string path, List<RegisterDiagnostic> diagnostics)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
                return stream;
            }
            catch (YamlException error)
            {
                diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.YamlSyntax, $"not valid YAML: {Innermost(error).Message}",
                    path, (int)error.Start.Line, (int)error.Start.Column, (int)error.Start.Index, 1));
                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet throws this, without a position, on some unterminated flow collections
                // ("soc: [h3"). Find where parsing stopped by replaying the events.
                var mark = LastParsedMark(text);
                diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.YamlSyntax, "not valid YAML: an unterminated [ ] or { } follows",
                    path, (int)mark.Line, (int)mark.Column, (int)mark.Index, 1));
                return null;
            }
        }

        /// <summary>
        /// The entries of a mapping whose names become C# names: plain words, unique in their C#
        /// form; each other key is reported (UK0004, UK0010) and skipped.
        /// </summary>
        public static IEnumerable<(YamlScalarNode Key, YamlNode Value)> NamedEntries(YamlMappingNode mapping, string what,
            Action<YamlNode, string, string> report)
        {
            var seen = new HashSet<string>();
            foreach (var pair in mapping.Children)
            {
                if (!(pair.Key is YamlScalarNode key) || string.IsNullOrEmpty(key.Value))
                {
                    report(pair.Key, RegisterDiagnostic.InvalidValue, $"names in {what} must be plain words");
                    continue;
                }
                if (!seen.Add(Naming.Pascal(key.Value!)))
                {
                    report(key, RegisterDiagnostic.DuplicateName, $"'{key.Value}' is defined twice in {what} (names compare as their C# form {Naming.Pascal(key.Value!)})");
                    continue;
                }
                yield return (key, pair.Value);
            }
        }

        private static Exception Innermost(Exception error)
        {
            while (error.InnerException != null)
                error = error.InnerException;
            return error;
        }

        private static Mark LastParsedMark(string text)
        {
            var parser = new Parser(new StringReader(text));
            var last = Mark.Empty;
            try
            {
                while (parser.MoveNext())
                    last = parser.Current!.End;
            }
            catch (Exception error) when (error is YamlException || error is InvalidOperationException)
            {
            }
            return last;
        }
    }
}
