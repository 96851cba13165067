using System;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Session;

/// <summary>A connected account as the session keeps it: its name, its one ApiClient (which holds the key) and where
/// its state lives.</summary>
internal sealed class ConnectedAccount : IDisposable
{
    public ConnectedAccount(string name, ApiClient client, DateTimeOffset connectedAt, double messagesPerSecond, string? suppressionPath = null,
        IStateStore? state = null)
    {
        State = state ?? FileStateStore.Instance;
        SuppressionPath = suppressionPath;
        Name = name;
        Client = client;
        ConnectedAt = connectedAt;
        MessagesPerSecond = messagesPerSecond;
        Templates = new TemplateCache(client);
    }

    public TemplateCache Templates { get; }

    /// <summary>The send rate Send-MarketingMessage uses for this account unless told otherwise.</summary>
    public double MessagesPerSecond { get; }

    /// <summary>Where journals and the suppression list live: files (every name a path), or a storage container.</summary>
    public IStateStore State { get; }

    /// <summary>The suppression list every send and *-MMSuppression of this account uses (a full path, or a name in the
    /// account's container); null for none.</summary>
    public string? SuppressionPath { get; }

    public string Name { get; }
    public ApiClient Client { get; }
    public DateTimeOffset ConnectedAt { get; }

    public MMAccount ToOutput(bool isDefault) =>
        new(Name, Client.BaseUri, Client.Key.Hint, isDefault, ConnectedAt, MessagesPerSecond, SuppressionPath, State.Description);

    public void Dispose() => Client.Dispose();
}
