using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Unikernel.Generators
{
    /// <summary>
    /// UK0101: a lambda given to a generated register's <c>Modify</c> or <c>Write</c> must not
    /// capture variables. A capturing lambda allocates a closure and a delegate on every call,
    /// and on bare metal nothing is ever freed; a static lambda allocates its delegate once.
    /// Use <c>reg.Write(reg.Read().WithField(value))</c> instead (also the zero-cost form).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class CapturingLambdaAnalyzer : DiagnosticAnalyzer
    {
        public const string Id = "UK0101";

        private static readonly DiagnosticDescriptor Rule = new DiagnosticDescriptor(Id,
            "Register lambda captures variables",
            "{0} allocates on every call because its lambda captures {1}; write reg.Write(reg.Read().With…(…)) instead",
            "Unikernel.Registers", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: "docs/registers.md#diagnostics");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(Analyze, OperationKind.Invocation);
        }

        private static void Analyze(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if ((method.Name != "Modify" && method.Name != "Write") || method.ContainingNamespace?.ToDisplayString() != "Unikernel.Hardware")
                return;
            foreach (var argument in invocation.Arguments)
            {
                var lambda = (argument.Value as IDelegateCreationOperation)?.Target as IAnonymousFunctionOperation;
                if (lambda == null || invocation.SemanticModel == null)
                    continue;
                var flow = invocation.SemanticModel.AnalyzeDataFlow(lambda.Syntax);
                if (flow == null || !flow.Succeeded || flow.Captured.IsEmpty)
                    continue;
                string captured = string.Join(", ", flow.Captured.Select(s => s.Name));
                context.ReportDiagnostic(Diagnostic.Create(Rule, lambda.Syntax.GetLocation(), $"{method.ContainingType.Name}.{method.Name}", captured));
            }
        }
    }
}
