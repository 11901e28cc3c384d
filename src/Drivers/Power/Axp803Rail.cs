namespace Unikernel.Drivers.Power;

/// <summary>
/// The AXP803's outputs (AXP803 datasheet section 9; Linux axp20x-regulator.c axp803_regulators).
/// Names are the Pascal form of the datasheet's, as the board file's power section writes them
/// (DCDC5 is <see cref="Dcdc5"/>, DC1SW is <see cref="Dc1sw"/>).
/// </summary>
public enum Axp803Rail : byte
{
    Dcdc1, Dcdc2, Dcdc3, Dcdc4, Dcdc5, Dcdc6,
    Aldo1, Aldo2, Aldo3,
    Dldo1, Dldo2, Dldo3, Dldo4,
    Eldo1, Eldo2, Eldo3,
    Fldo1, Fldo2,
    /// <summary>A switch on DCDC1's output: on or off, no voltage of its own.</summary>
    Dc1sw,
}
