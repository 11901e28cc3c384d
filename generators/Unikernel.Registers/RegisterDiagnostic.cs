namespace Unikernel.Registers
{
    /// <summary>
    /// A problem in a register map or a board file, at a place in a YAML file. Positions are 1-based, as
    /// editors show them; <see cref="Index"/> and <see cref="Length"/> are character offsets.
    /// The IDs are documented in docs/registers.md.
    /// </summary>
    public sealed record RegisterDiagnostic(string Id, string Message, string Path, int Line, int Column, int Index, int Length)
    {
        public const string YamlSyntax = "UK0001";
        public const string UnknownKey = "UK0002";
        public const string MissingKey = "UK0003";
        public const string InvalidValue = "UK0004";
        public const string OverlappingRegisters = "UK0005";
        public const string OverlappingFields = "UK0006";
        public const string FieldOutsideRegister = "UK0007";
        public const string ResetTooWide = "UK0008";
        public const string ResetOutsideFields = "UK0009";
        public const string DuplicateName = "UK0010";
        public const string UnknownReference = "UK0011";
        public const string UnknownEnum = "UK0012";
        public const string OverlappingInstances = "UK0013";
        public const string EnumValueTooWide = "UK0014";
        public const string OverlappingRegions = "UK0015";
        public const string DoesNotFit = "UK0016";
        public const string BoardNameMismatch = "UK0017";
        public const string InternalError = "UK0099";
        public const string ConstantTooWide = "UK0100";

        public override string ToString() => $"{Path}({Line},{Column}): {Id}: {Message}";
    }

    /// <summary>Where something was written: file and position, for diagnostics.</summary>
    public sealed record SourcePosition(string Path, int Line, int Column, int Index, int Length)
    {
        public RegisterDiagnostic Diagnostic(string id, string message) => new RegisterDiagnostic(id, message, Path, Line, Column, Index, Length);
    }
}
