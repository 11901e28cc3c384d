using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Unikernel.Registers;

namespace Unikernel.Generators
{
    /// <summary>One descriptor per diagnostic ID (docs/registers.md lists them).</summary>
    internal static class Descriptors
    {
        private static readonly Dictionary<string, string> Titles = new Dictionary<string, string>
        {
            [RegisterDiagnostic.YamlSyntax] = "Register map or board file is not valid YAML",
            [RegisterDiagnostic.UnknownKey] = "Unknown key in register map or board file",
            [RegisterDiagnostic.MissingKey] = "Required key missing in register map or board file",
            [RegisterDiagnostic.InvalidValue] = "Invalid value in register map or board file",
            [RegisterDiagnostic.OverlappingRegisters] = "Registers overlap",
            [RegisterDiagnostic.OverlappingFields] = "Fields overlap",
            [RegisterDiagnostic.FieldOutsideRegister] = "Field outside its register",
            [RegisterDiagnostic.ResetTooWide] = "Reset value wider than its register",
            [RegisterDiagnostic.ResetOutsideFields] = "Reset value sets bits no field covers",
            [RegisterDiagnostic.DuplicateName] = "Duplicate name in register map or board file",
            [RegisterDiagnostic.UnknownReference] = "Unknown include, block, instance or memory region",
            [RegisterDiagnostic.UnknownEnum] = "Unknown enum",
            [RegisterDiagnostic.OverlappingInstances] = "Peripheral instances overlap",
            [RegisterDiagnostic.EnumValueTooWide] = "Enumerated value does not fit its field",
            [RegisterDiagnostic.OverlappingRegions] = "Board memory regions overlap",
            [RegisterDiagnostic.DoesNotFit] = "Board layout does not fit its memory region",
            [RegisterDiagnostic.BoardNameMismatch] = "Board name differs from its file name",
            [RegisterDiagnostic.InternalError] = "Internal register generator error",
            [RegisterDiagnostic.ConstantTooWide] = "Constant too wide for its register field",
        };

        private static readonly Dictionary<string, DiagnosticDescriptor> Cache = new Dictionary<string, DiagnosticDescriptor>();

        public static DiagnosticDescriptor For(string id)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue(id, out var descriptor))
                {
                    descriptor = new DiagnosticDescriptor(id, Titles.TryGetValue(id, out var title) ? title : id, "{0}",
                        "Unikernel.Registers", DiagnosticSeverity.Error, isEnabledByDefault: true,
                        helpLinkUri: "docs/registers.md#diagnostics");
                    Cache[id] = descriptor;
                }
                return descriptor;
            }
        }
    }
}
