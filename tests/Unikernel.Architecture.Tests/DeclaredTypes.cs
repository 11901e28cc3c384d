using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Unikernel.Architecture.Tests;

/// <summary>
/// The top-level types declared in a folder's sources, by full name as metadata spells it
/// (Namespace.Name`arity). For code that is not a host assembly (the boards, the image programs)
/// and for folders whose types do not share one namespace (src/Net/Tcp).
/// </summary>
internal static class DeclaredTypes
{
    public static HashSet<string> In(params string[] folders)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            foreach (string file in SourceFiles.Under(RepositoryRoot.Combine(folder)))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
                foreach (var type in root.DescendantNodes().OfType<MemberDeclarationSyntax>())
                {
                    if (type is (BaseTypeDeclarationSyntax or DelegateDeclarationSyntax) && type.Parent is not TypeDeclarationSyntax)
                        names.Add(FullName(type));
                }
            }
        }
        return names;
    }

    private static string FullName(MemberDeclarationSyntax type)
    {
        var (name, arity) = type switch
        {
            TypeDeclarationSyntax declaration => (declaration.Identifier.Text, declaration.TypeParameterList?.Parameters.Count ?? 0),
            DelegateDeclarationSyntax declaration => (declaration.Identifier.Text, declaration.TypeParameterList?.Parameters.Count ?? 0),
            BaseTypeDeclarationSyntax declaration => (declaration.Identifier.Text, 0),
            _ => throw new ArgumentException(type.Kind().ToString()),
        };
        string namespaceName = string.Join('.', type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().Select(n => n.Name.ToString()));
        string metadataName = arity == 0 ? name : $"{name}`{arity}";
        return namespaceName.Length == 0 ? metadataName : $"{namespaceName}.{metadataName}";
    }
}
