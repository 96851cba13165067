using System;

namespace Dialog360.MM.Core.Messages;

/// <summary>Input that cannot become a valid request. Names the field and says how to fix it; nothing was sent.</summary>
public sealed class MessageValidationException : Exception
{
    public MessageValidationException(string field, string reason, string message) : base(message)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The parameter or JSON field at fault, e.g. "To" or "TimeToLive".</summary>
    public string Field { get; }

    /// <summary>A stable word for the cause, used as the PowerShell ErrorId (e.g. InvalidPhoneNumber).</summary>
    public string Reason { get; }
}
