using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>Valid JSON that is not a webhook delivery object (a number, a string, a nested array).</summary>
internal sealed class NotADeliveryException : Exception
{
    public NotADeliveryException(string message) : base(message) { }
}
