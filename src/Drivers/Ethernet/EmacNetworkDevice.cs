using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Net;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// <see cref="EmacDriver{TBus, TClock, TDma}"/> as the stack's <see cref="INetworkDevice"/>: a
/// struct around the driver, so <c>NetworkRunner&lt;EmacNetworkDevice&lt;...&gt;&gt;</c> is
/// specialised and calls the driver directly, with no interface dispatch.
/// </summary>
public readonly struct EmacNetworkDevice<TBus, TClock, TDma> : INetworkDevice
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TDma : IDmaMemory
{
    private readonly EmacDriver<TBus, TClock, TDma> _driver;

    public EmacNetworkDevice(EmacDriver<TBus, TClock, TDma> driver)
    {
        _driver = driver;
    }

    public int Receive(Span<byte> frame) => _driver.Receive(frame);

    public bool Send(ReadOnlySpan<byte> frame) => _driver.Send(frame);
}
