namespace Unikernel.Drivers.Virtio;

/// <summary>What a virtio-net start came to: every wait has a deadline, every check a reason.</summary>
public enum VirtioNetStatus : byte
{
    Ok,
    /// <summary>MAGIC_VALUE is not "virt": nothing virtio at this address.</summary>
    BadMagic,
    /// <summary>VERSION is not 1: the device speaks the modern interface only, or something unknown.</summary>
    UnsupportedVersion,
    /// <summary>DEVICE_ID 0: the slot is empty (QEMU fills slots from 31 down, one per -device).</summary>
    NoDevice,
    /// <summary>DEVICE_ID is another kind of device (block, console, entropy...).</summary>
    NotNetworkDevice,
    /// <summary>STATUS did not read 0 after the reset was written.</summary>
    ResetTimeout,
    /// <summary>QUEUE_PFN was not 0 after the reset: the queue is still in use.</summary>
    QueueInUse,
    /// <summary>QUEUE_NUM_MAX is 0 (no such queue) or smaller than the queue the driver needs.</summary>
    QueueTooSmall,
    /// <summary>The memory given for the queues and buffers is misaligned, too small or above 4 GiB.</summary>
    BadMemory,
}

/// <summary>Words a <see cref="VirtioNetStatus"/> for the boot log.</summary>
public static class VirtioNetStatusText
{
    public static string Describe(VirtioNetStatus status) => status switch
    {
        VirtioNetStatus.Ok => "ok",
        VirtioNetStatus.BadMagic => "no virtio-mmio device at this address (magic value is not \"virt\")",
        VirtioNetStatus.UnsupportedVersion => "the device is not legacy virtio-mmio (version 1); on QEMU drop -global virtio-mmio.force-legacy=false",
        VirtioNetStatus.NoDevice => "no device in the virtio-mmio slot: start QEMU with -device virtio-net-device,netdev=...",
        VirtioNetStatus.NotNetworkDevice => "the virtio-mmio slot holds a device that is not a network card",
        VirtioNetStatus.ResetTimeout => "the device did not come out of reset",
        VirtioNetStatus.QueueInUse => "a virtqueue was still in use after the reset",
        VirtioNetStatus.QueueTooSmall => "the device offers virtqueues smaller than the driver needs",
        VirtioNetStatus.BadMemory => "the queue memory is misaligned, too small or above 4 GiB",
        _ => "unknown status",
    };
}
