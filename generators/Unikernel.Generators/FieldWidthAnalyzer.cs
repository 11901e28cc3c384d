using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Unikernel.Registers;

namespace Unikernel.Generators
{
    /// <summary>
    /// UK0100: a constant passed to a generated <c>With&lt;Field&gt;</c> setter must fit the field.
    /// The setters mark their parameter with <c>[FieldWidth(n)]</c>; other values are checked at run time.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class FieldWidthAnalyzer : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Rule = Descriptors.For(RegisterDiagnostic.ConstantTooWide);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(AnalyzeArgument, OperationKind.Argument);
        }

        private static void AnalyzeArgument(OperationAnalysisContext context)
        {
            var argument = (IArgumentOperation)context.Operation;
            if (argument.Parameter == null || !argument.Value.ConstantValue.HasValue)
                return;
            foreach (var attribute in argument.Parameter.GetAttributes())
            {
                if (attribute.AttributeClass?.Name != "FieldWidthAttribute" || attribute.ConstructorArguments.Length != 1)
                    continue;
                if (!(attribute.ConstructorArguments[0].Value is int width) || width >= 64)
                    return;
                object? constant = argument.Value.ConstantValue.Value;
                ulong value;
                switch (constant)
                {
                    case int i when i < 0: value = ulong.MaxValue; break;
                    case long l when l < 0: value = ulong.MaxValue; break;
                    case null: return;
                    default: value = System.Convert.ToUInt64(constant, System.Globalization.CultureInfo.InvariantCulture); break;
                }
                if (value >> width != 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rule, argument.Value.Syntax.GetLocation(),
                        $"{constant} does not fit the {width}-bit field set by {argument.Parameter.ContainingSymbol.Name}; the largest value is {(1UL << width) - 1}"));
                }
            }
        }
    }
}
