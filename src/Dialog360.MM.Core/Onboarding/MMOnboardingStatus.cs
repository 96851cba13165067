using System;

namespace Dialog360.MM.Core.Onboarding;

public enum OnboardingState
{
    Onboarded,
    /// <summary>The Business Manager has not accepted the Marketing Messages terms.</summary>
    NotOnboarded,
    /// <summary>The account cannot use the MM API (restricted, locked, sanctioned region, …).</summary>
    Ineligible,
    KeyInvalid,
    /// <summary>The API answered something else; Reason quotes it.</summary>
    Unknown,
}

/// <summary>What Test-MMOnboarding found for one account.</summary>
public sealed class MMOnboardingStatus
{
    public string Account { get; set; } = string.Empty;
    public bool IsOnboarded => Status == OnboardingState.Onboarded;
    public OnboardingState Status { get; set; }
    /// <summary>What the API said, in its words.</summary>
    public string? Reason { get; set; }
    /// <summary>What a person should do next.</summary>
    public string? FixHint { get; set; }
    public DateTimeOffset CheckedAt { get; set; }

    public override string ToString() => $"{Account}: {Status}";
}
