using Unikernel.Net.Tcp;

namespace Unikernel.Net.Wire;

/// <summary>
/// One block of a SACK option (RFC 2018 section 3): the receiver holds the octets from
/// <see cref="Left"/> up to but not including <see cref="Right"/>, above a hole.
/// </summary>
public readonly struct SackBlock
{
    public SackBlock(SeqNumber left, SeqNumber right)
    {
        Left = left;
        Right = right;
    }

    /// <summary>The first sequence number of the block.</summary>
    public SeqNumber Left { get; }

    /// <summary>The sequence number just past the block's last octet.</summary>
    public SeqNumber Right { get; }
}
