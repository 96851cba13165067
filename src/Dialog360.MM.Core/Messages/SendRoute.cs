namespace Dialog360.MM.Core.Messages;

/// <summary>Which route carries a template: the MM API or the ordinary Cloud API.</summary>
public enum SendRoute
{
    /// <summary>POST {base}/marketing_messages</summary>
    MarketingMessages,
    /// <summary>POST {base}/messages</summary>
    CloudApi,
}

public static class SendRoutes
{
    public static string PathOf(SendRoute route) => route == SendRoute.CloudApi ? "messages" : "marketing_messages";
}
