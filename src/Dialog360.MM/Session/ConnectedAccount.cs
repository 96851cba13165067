using System;
using Dialog360.MM.Core.Api;

namespace Dialog360.MM.Session;

/// <summary>A connected account as the session keeps it: its name and its one ApiClient (which holds the key).</summary>
internal sealed class ConnectedAccount : IDisposable
{
    public ConnectedAccount(string name, ApiClient client, DateTimeOffset connectedAt, double messagesPerSecond, string? suppressionPath = null)
    {
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

    /// <summary>The suppression list file (full path) every send and *-MMSuppression of this account uses; null for none.</summary>
    public string? SuppressionPath { get; }

    public string Name { get; }
    public ApiClient Client { get; }
    public DateTimeOffset ConnectedAt { get; }

    public MMAccount ToOutput(bool isDefault) =>
        new(Name, Client.BaseUri, Client.Key.Hint, isDefault, ConnectedAt, MessagesPerSecond, SuppressionPath);

    public void Dispose() => Client.Dispose();
}
