using System;

namespace Dialog360.MM.Core.Api;

/// <summary>Where 360dialog sends this number's webhooks. Header values can be secrets: only their names are kept.</summary>
public sealed class MMWebhookSetting
{
    public string Account { get; set; } = string.Empty;
    public Uri? Url { get; set; }
    public string[] HeaderNames { get; set; } = Array.Empty<string>();

    public override string ToString() => Url?.ToString() ?? "(none)";
}
