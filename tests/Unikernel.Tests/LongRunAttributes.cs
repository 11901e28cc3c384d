namespace Unikernel.Tests;

/// <summary>
/// Tests that repeat what the bench already measures, or take minutes each: skipped by a plain
/// <c>./unikernel test</c>, which must stay under 30 minutes on two cores, and run by
/// <c>./unikernel test --long</c> (it sets <see cref="Variable"/>).
/// </summary>
public static class LongRun
{
    public const string Variable = Unikernel.Tool.Test.TestRun.LongRunVariable;

    public const string Reason = "a long run: ./unikernel test --long (or " + Variable + "=1) runs it";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}

/// <summary>A fact of the long run (<see cref="LongRun"/>).</summary>
public sealed class LongRunFactAttribute : FactAttribute
{
    public LongRunFactAttribute()
    {
        if (!LongRun.Enabled)
            Skip = LongRun.Reason;
    }
}

/// <summary>A theory of the long run (<see cref="LongRun"/>).</summary>
public sealed class LongRunTheoryAttribute : TheoryAttribute
{
    public LongRunTheoryAttribute()
    {
        if (!LongRun.Enabled)
            Skip = LongRun.Reason;
    }
}
