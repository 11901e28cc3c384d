using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Unikernel.Tool.Signing;

/// <summary>
/// The key files of `unikernel keygen` (docs/signing.md): text, a comment
/// line naming what the file holds, then 32 bytes as 64 hex digits on one line.
/// NAME.key holds the Ed25519 secret key (the RFC 8032 section 5.1.5 seed, from which the signer
/// derives everything else) and must stay private; NAME.pub the public key a board is built with.
/// The comment line is checked when read: a public key given to `sign --key` is refused, not
/// taken for a seed.
/// </summary>
public static class KeyFile
{
    public const string SecretKeyComment = "# unikernel Ed25519 secret key (RFC 8032 seed, 32 bytes in hex): keep it private";
    public const string PublicKeyComment = "# unikernel Ed25519 public key (RFC 8032, 32 bytes in hex): for ./unikernel build --key";
    public const int KeyLength = 32;

    /// <summary>A new key pair: 32 random bytes of seed and the public key derived from it.</summary>
    public static (byte[] Seed, byte[] PublicKey) Generate()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(KeyLength);
        return (seed, PublicKeyOf(seed));
    }

    /// <summary>The public key of <paramref name="seed"/> (RFC 8032 section 5.1.5).</summary>
    public static byte[] PublicKeyOf(byte[] seed) => new Ed25519PrivateKeyParameters(seed, 0).GeneratePublicKey().GetEncoded();

    /// <summary>Writes NAME.key (owner-only) and NAME.pub for <paramref name="name"/> (a path without extension); refuses to overwrite either.</summary>
    public static (string SecretPath, string PublicPath) WritePair(string name, byte[] seed, byte[] publicKey)
    {
        string secretPath = name + ".key", publicPath = name + ".pub";
        foreach (string path in new[] { secretPath, publicPath })
        {
            if (File.Exists(path) || Directory.Exists(path))
                throw new SigningFailure($"{path} exists: keygen never overwrites a key (move it away or choose another name)");
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(secretPath));
        if (directory is not null && !Directory.Exists(directory))
            throw new SigningFailure($"{directory} does not exist: create it first or choose another name");
        var secretOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            secretOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var secret = new StreamWriter(secretPath, secretOptions))
            secret.Write(Text(SecretKeyComment, seed));
        File.WriteAllText(publicPath, Text(PublicKeyComment, publicKey));
        return (secretPath, publicPath);
    }

    /// <summary>The 32-byte seed in a NAME.key file.</summary>
    public static byte[] ReadSecret(string path) => Read(path, SecretKeyComment, "a secret key (NAME.key from ./unikernel keygen NAME)");

    /// <summary>The 32-byte public key in a NAME.pub file.</summary>
    public static byte[] ReadPublic(string path) => Read(path, PublicKeyComment, "a public key (NAME.pub from ./unikernel keygen NAME)");

    /// <summary>The 32 bytes of 64 hex digits (a board file's <c>signing: public-key:</c>), or null for anything else.</summary>
    public static byte[]? ParseHex(string text)
    {
        text = text.Trim();
        if (text.Length != 2 * KeyLength || !text.All(Uri.IsHexDigit))
            return null;
        return Convert.FromHexString(text);
    }

    private static string Text(string comment, byte[] key) => comment + "\n" + Convert.ToHexStringLower(key) + "\n";

    private static byte[] Read(string path, string comment, string what)
    {
        if (!File.Exists(path))
            throw new SigningFailure($"{path}: no such file; it should be {what}");
        string[] lines = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).ToArray();
        if (lines.Length == 0 || lines[0].Trim() != comment)
        {
            string found = lines.Length == 0 ? "an empty file"
                : lines[0].Trim() == SecretKeyComment ? "a secret key"
                : lines[0].Trim() == PublicKeyComment ? "a public key"
                : "no key comment line";
            throw new SigningFailure($"{path}: not {what}: found {found}, expected the line '{comment}'");
        }
        if (lines.Length != 2 || ParseHex(lines[1]) is not { } key)
            throw new SigningFailure($"{path}: malformed: expected one line of {2 * KeyLength} hex digits after the comment line");
        return key;
    }

    /// <summary>The first 4 bytes of a key in hex, as the board's banner shows it.</summary>
    public static string Fingerprint(byte[] publicKey) => Convert.ToHexStringLower(publicKey.AsSpan(0, 4));
}
