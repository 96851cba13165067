namespace Dialog360.MM.Core.Reporting;

/// <summary>How many messages of a campaign failed with one error code.</summary>
public sealed class MMFailureCount
{
    internal MMFailureCount(int? code, string? title, int count)
    {
        Code = code;
        Title = title;
        Count = count;
    }

    /// <summary>The Graph error code; null when the failed status carried none.</summary>
    public int? Code { get; }
    public string? Title { get; }
    public int Count { get; }

    public override string ToString() => $"{(Code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no code")} ({Count})";
}
