using System.CommandLine;
using Spectre.Console;

namespace Unikernel.Tool.Signing;

/// <summary>`unikernel keygen NAME`: a new Ed25519 key pair, NAME.key (secret) and NAME.pub (public), in <see cref="KeyFile"/>'s form; never overwrites.</summary>
public static class KeygenCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The key's path without extension: writes NAME.key (secret, owner-only) and NAME.pub (public)" };
        var command = new Command("keygen", "Make an Ed25519 key pair for signed images: NAME.key (secret seed) and NAME.pub (public key), refusing to overwrite") { name };
        command.SetAction(result => Run(AnsiConsole.Console, result.GetValue(name)!));
        return command;
    }

    /// <summary>Writes the pair; 0 on success, 1 with the reason printed.</summary>
    public static int Run(IAnsiConsole console, string name)
    {
        try
        {
            var (seed, publicKey) = KeyFile.Generate();
            var (secretPath, publicPath) = KeyFile.WritePair(name, seed, publicKey);
            console.MarkupLine($"[green]created[/] {Markup.Escape(secretPath)} (secret: keep it private) and {Markup.Escape(publicPath)} (public key {Convert.ToHexStringLower(publicKey)})");
            console.MarkupLine($"sign with [bold]./unikernel sign --key {Markup.Escape(secretPath)} IMAGE[/]; build a board that takes only those with [bold]./unikernel build --key {Markup.Escape(publicPath)}[/]");
            return 0;
        }
        catch (Exception error) when (error is SigningFailure or IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }
}
