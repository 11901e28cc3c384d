using System.CommandLine;
using Spectre.Console;

namespace Unikernel.Tool.Signing;

/// <summary>
/// `unikernel sign --key NAME.key IMAGE [-o OUT]`: signs a version-2 image (<see cref="ImageSigner"/>),
/// in place unless -o names another file; an image signed already gets its signature replaced.
/// </summary>
public static class SignCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "A version 2 kernel image, unsigned or signed (its signature is replaced)" };
        var key = new Option<string>("--key") { HelpName = "NAME.key", Description = "The secret key from ./unikernel keygen NAME", Required = true };
        var output = new Option<string?>("--output", "-o") { HelpName = "OUT", Description = "Write the signed image here (default: replace IMAGE)" };
        var command = new Command("sign", "Sign a version 2 kernel image with an Ed25519 key from keygen, for a board built with its public key") { image, key, output };
        command.SetAction(result => Run(AnsiConsole.Console, result.GetValue(image)!, result.GetValue(key)!, result.GetValue(output)));
        return command;
    }

    /// <summary>Signs; 0 on success, 1 with the reason printed (nothing written then).</summary>
    public static int Run(IAnsiConsole console, string imagePath, string keyPath, string? outputPath)
    {
        try
        {
            byte[] seed = KeyFile.ReadSecret(keyPath);
            if (!File.Exists(imagePath))
                throw new SigningFailure($"{imagePath}: no such file");
            byte[] signed;
            try
            {
                signed = ImageSigner.Sign(File.ReadAllBytes(imagePath), seed);
            }
            catch (SigningFailure failure)
            {
                throw new SigningFailure($"{imagePath}: {failure.Message}");
            }
            string target = outputPath ?? imagePath;
            // Written beside the target and renamed over it: a failed write leaves the original whole.
            string temporary = target + ".signing";
            File.WriteAllBytes(temporary, signed);
            File.Move(temporary, target, overwrite: true);
            byte[] publicKey = KeyFile.PublicKeyOf(seed);
            console.MarkupLine($"[green]signed[/] {Markup.Escape(target)}: {signed.Length} bytes, key {KeyFile.Fingerprint(publicKey)}…");
            return 0;
        }
        catch (Exception error) when (error is SigningFailure or IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            return 1;
        }
    }
}
