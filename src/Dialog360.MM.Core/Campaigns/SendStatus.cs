namespace Dialog360.MM.Core.Campaigns;

/// <summary>What happened to one recipient of a send.</summary>
public enum SendStatus
{
    /// <summary>The API accepted the message (it answered with a message id).</summary>
    Accepted,
    /// <summary>The API refused it, or the input was invalid; ErrorCode and ErrorMessage say why.</summary>
    Failed,
}
