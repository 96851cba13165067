namespace Dialog360.MM.Core.State;

/// <summary>A line of a suppression list file that is not a record; the rest of the file was read.</summary>
public sealed class SuppressionLineError
{
    internal SuppressionLineError(string path, long line, string message)
    {
        Path = path;
        Line = line;
        Message = message;
    }

    public string Path { get; }

    /// <summary>1-based.</summary>
    public long Line { get; }

    public string Message { get; }

    public override string ToString() => $"{Path}, line {Line}: {Message}";
}
