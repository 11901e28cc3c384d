namespace Unikernel.Drivers.Dram;

/// <summary>How the PHY's ZQ (output impedance) calibration is run.</summary>
public enum DramZqCalibration : byte
{
    /// <summary>
    /// H3: ZQ calibrated on its own before the PHY init, per pad on chip variants that need it
    /// (U-Boot mctl_h3_zq_calibration_quirk).
    /// </summary>
    H3Quirk,

    /// <summary>A64, H5: ZQCR programmed and PIR.ZCAL run together with the PHY init.</summary>
    WithPhyInit,
}
