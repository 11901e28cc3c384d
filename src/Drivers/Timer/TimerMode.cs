namespace Unikernel.Drivers.Timer;

/// <summary>What an Allwinner timer does when its count reaches zero (TMRn_MODE / HS_TMR0_MODE).</summary>
public enum TimerMode
{
    /// <summary>Raises its interrupt status once and stops (mode bit = single).</summary>
    OneShot,

    /// <summary>Raises its interrupt status and starts again from the interval (mode bit = continuous).</summary>
    Periodic,
}
