namespace Dialog360.MM.Core.Messages;

/// <summary>product_policy of MarketingMessageRequestPayload: fall back to the Cloud API where MM cannot deliver, or not.</summary>
public enum ProductPolicy
{
    CloudApiFallback,
    Strict,
}
