namespace Dialog360.MM.Core.Reporting;

/// <summary>How Measure-MMCampaign splits messages into rows.</summary>
public enum CampaignGrouping
{
    /// <summary>One row for everything.</summary>
    None,
    /// <summary>By biz_opaque_callback_data (from the statuses, else from the send journal).</summary>
    CallbackData,
    /// <summary>By template name, from the send journal.</summary>
    Template,
    /// <summary>By the recipient's market (region from the number, libphonenumber), as WhatsApp prices messages.</summary>
    Market,
}
