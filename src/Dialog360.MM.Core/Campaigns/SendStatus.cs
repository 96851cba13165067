namespace Dialog360.MM.Core.Campaigns;

/// <summary>What happened to one recipient of a send.</summary>
public enum SendStatus
{
    /// <summary>The API accepted the message (it answered with a message id).</summary>
    Accepted,
    /// <summary>The API refused it, or the input was invalid; ErrorCode and ErrorMessage say why. Safe to send again.</summary>
    Failed,
    /// <summary>The journal says this recipient was already sent to (accepted): nothing was sent.</summary>
    Skipped,
    /// <summary>The request may have reached the API but no answer came (timeout, broken connection, killed process):
    /// it is not resent unless asked (-RetryUnknown), so nobody is messaged twice.</summary>
    Unknown,
    /// <summary>The number is on the suppression list (it stopped marketing messages): nothing was sent.</summary>
    Suppressed,
    /// <summary>Not now: outside the recipient's send window, or Meta asked to wait (131049). NotBefore says when a
    /// run of the same command will send it.</summary>
    Deferred,
}
