using System;

namespace Dialog360.MM.Session;

/// <summary>What Connect-MMAccount and Get-MMAccount show of an account: never the key, only its last four characters.</summary>
public sealed class MMAccount
{
    public MMAccount(string name, Uri baseUri, string keyHint, bool isDefault, DateTimeOffset connectedAt, double messagesPerSecond,
        string? suppressionPath, string state = "files")
    {
        State = state;
        SuppressionPath = suppressionPath;
        MessagesPerSecond = messagesPerSecond;
        Name = name;
        BaseUri = baseUri;
        KeyHint = keyHint;
        IsDefault = isDefault;
        ConnectedAt = connectedAt;
    }

    public string Name { get; }
    public Uri BaseUri { get; }
    public string KeyHint { get; }
    public bool IsDefault { get; }
    public DateTimeOffset ConnectedAt { get; }
    public double MessagesPerSecond { get; }

    /// <summary>The account's suppression list (Connect-MMAccount -SuppressionPath), or null.</summary>
    public string? SuppressionPath { get; }

    /// <summary>Where journals and the suppression list live: "files", or the storage container's address.</summary>
    public string State { get; }

    public override string ToString() => Name;
}
