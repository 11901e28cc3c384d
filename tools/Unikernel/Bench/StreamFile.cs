using System.Security.Cryptography;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The stream every sender sends: <see cref="Length"/> bytes of fixed pseudo-random content in
/// build/bench/stream-LENGTH.bin (made once, then reused; in the page cache, reading it costs
/// the sender little), and its SHA-256, which hoststack's report must match.
/// </summary>
public sealed record StreamFile(string Path, long Length, string Sha256)
{
    private const int BlockSize = 1 << 20;

    public static StreamFile Prepare(string directory, long length)
    {
        if (length <= 0)
            throw new BenchFailure("--bytes must be positive");
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, $"stream-{length}.bin");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[BlockSize];
        if (File.Exists(path) && new FileInfo(path).Length == length)
        {
            using var existing = File.OpenRead(path);
            int read;
            while ((read = existing.Read(block)) > 0)
                hash.AppendData(block, 0, read);
        }
        else
        {
            // One random megabyte, repeated: nothing on the path compresses, and it is quick to make.
            new Random(1337).NextBytes(block);
            string partial = path + ".partial";
            using (var output = File.Create(partial))
            {
                for (long left = length; left > 0; left -= BlockSize)
                {
                    int count = (int)Math.Min(left, BlockSize);
                    output.Write(block, 0, count);
                    hash.AppendData(block, 0, count);
                }
            }
            File.Move(partial, path, overwrite: true);
        }
        return new StreamFile(path, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
