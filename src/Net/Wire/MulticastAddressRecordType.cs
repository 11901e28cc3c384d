namespace Unikernel.Net.Wire;

/// <summary>The record types of an MLDv2 report (RFC 3810 section 5.2.12).</summary>
public enum MulticastAddressRecordType : byte
{
    /// <summary>Current state: listening to the listed sources only (an answer to a query).</summary>
    ModeIsInclude = 1,

    /// <summary>Current state: listening to all but the listed sources; with none listed, to the whole group (an answer to a query).</summary>
    ModeIsExclude = 2,

    /// <summary>State change: now include mode; with no sources, leaving the group.</summary>
    ChangeToIncludeMode = 3,

    /// <summary>State change: now exclude mode; with no sources, joining the group.</summary>
    ChangeToExcludeMode = 4,

    AllowNewSources = 5,

    BlockOldSources = 6,
}
