using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// Seeded mutations of the golden messages: parsing must never throw (on the boards, a fault),
/// whatever the bytes, and every accessor must be safe once Check has passed.
/// </summary>
public class NdpFuzzTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Router_advertisement_and_option_parsing_never_throws()
    {
        var random = new Random(4861);
        byte[] seed = NdpGolden.Icmp(NdpGolden.RouterAdvertisement);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = Mutate(random, seed);
            bool ok = RouterAdvertisement.TryParse(bytes, out var ra, out var reason);
            Assert.Equal(ok, reason == WireError.None);
            if (ok)
            {
                accepted++;
                _ = ra.CurrentHopLimit + ra.Flags + ra.RouterLifetime + ra.ReachableTime + ra.RetransTimer;
                _ = ra.ManagedFlag | ra.OtherFlag;
                var reader = new NdpOptionReader(ra.Options);
                while (reader.TryReadNext(out var type, out var option, out _))
                    Exercise(type, option);
                // Check validated the options, so the walk ends cleanly at the end.
                Assert.False(reader.TryReadNext(out _, out _, out reason));
                Assert.Equal(WireError.None, reason);
                Assert.Equal(ra.Options.Length, reader.Offset);
            }
            else
                rejected++;

            // The option walk on raw bytes agrees with Validate, whatever Check said.
            Span<byte> raw = bytes.AsSpan(Math.Min(bytes.Length, RouterAdvertisement.OptionsOffset));
            bool valid = NdpOptionReader.Validate(raw, out var validateError);
            var rawReader = new NdpOptionReader(raw);
            while (rawReader.TryReadNext(out var type, out var option, out _))
                Exercise(type, option);
            Assert.False(rawReader.TryReadNext(out _, out _, out var walkError));
            Assert.Equal(validateError, walkError);
            Assert.Equal(valid, walkError == WireError.None);
            _ = NdpOptionReader.TryFindLinkLayerAddress(raw, NdpOptionType.SourceLinkLayerAddress, out _);
        }
        // The mutations must exercise both sides, or the test proves little.
        Assert.True(accepted > Iterations / 10, $"accepted {accepted}");
        Assert.True(rejected > Iterations / 10, $"rejected {rejected}");
    }

    [Fact]
    public void Mld_query_parsing_never_throws()
    {
        var random = new Random(3810);
        byte[] seed = [.. NdpGolden.Icmp(NdpGolden.MldGeneralQuery), .. new byte[32]];
        seed[27] = 2;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = Mutate(random, seed);
            if (!MulticastListenerQuery.TryParse(bytes, out var query, out _))
                continue;
            _ = query.MaximumResponseDelay + query.QueriersQueryInterval + (uint)query.QuerierRobustnessVariable;
            _ = query.IsGeneralQuery | query.SuppressRouterProcessing;
            for (int source = 0; source < query.NumberOfSources; source++)
                _ = query.GetSource(source);
        }
    }

    private static void Exercise(NdpOptionType type, Span<byte> option)
    {
        Assert.True(option.Length >= 8 && option.Length % 8 == 0);
        Assert.Equal((byte)type, option[0]);
        if (PrefixInformation.TryParse(option, out var prefix, out _))
        {
            Assert.True(prefix.PrefixLength <= 128);
            _ = prefix.ValidLifetime + prefix.PreferredLifetime;
            _ = prefix.Prefix;
            _ = prefix.OnLink | prefix.Autonomous;
        }
        _ = NdpOptionReader.TryGetMtu(option, out _);
    }

    /// <summary>One to four of: flip bytes, set a byte to a boundary value, truncate, extend, or shrink or grow a length field.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        int mutations = random.Next(1, 5);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            switch (random.Next(6))
            {
                case 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[random.Next(bytes.Count)] = (byte)(random.Next(4) switch { 0 => 0, 1 => 1, 2 => 0x80, _ => 0xFF });
                    break;
                case 2:
                    int cut = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 3:
                    int extra = random.Next(1, 17);
                    for (int e = 0; e < extra; e++)
                        bytes.Add((byte)random.Next(256));
                    break;
                default:
                    // An option length octet: in the golden RA they sit at 17, 49 and 57.
                    int at = new[] { 17, 49, 57, 26, 27 }[random.Next(5)];
                    if (at < bytes.Count)
                        bytes[at] = (byte)random.Next(6);
                    break;
            }
        }
        return bytes.ToArray();
    }
}
