using System;

namespace Dialog360.MM.Core.Webhooks;

/// <summary>
/// One value.statuses[] element as the parser read it, before it becomes an <see cref="MMStatusEvent"/>: the strings
/// unique to each status (message and recipient ids) stay where they are in the delivery, so a fold over hundreds of
/// thousands of statuses (the funnel in Reporting) allocates per distinct message, not per status. The repeated values
/// (status, pricing, callback data, error titles) are shared strings already.
/// </summary>
internal struct StatusRecord
{
    public Utf8Text MessageId;
    public Utf8Text RecipientId;
    public Utf8Text RecipientUserId;
    public Utf8Text ParentUserId;
    public string? Status;
    public DateTimeOffset? Timestamp;
    public string? CallbackData;
    public string? ConversationId;
    public bool? Billable;
    public string? PricingCategory;
    public string? PricingModel;
    public decimal? CostAmount;
    public string? CostCurrency;
    public int? ErrorCode;
    public string? ErrorTitle;
    public string? ErrorDetails;

    /// <summary>The event, its ids decoded from <paramref name="json"/> (the delivery the record was read from).</summary>
    public readonly MMStatusEvent ToEvent(ReadOnlySpan<byte> json) => new()
    {
        MessageId = MessageId.ToString(json),
        RecipientId = RecipientId.ToString(json),
        UserId = RecipientUserId.ToString(json),
        ParentUserId = ParentUserId.ToString(json),
        Status = Status,
        Timestamp = Timestamp,
        CallbackData = CallbackData,
        ConversationId = ConversationId,
        Billable = Billable,
        PricingCategory = PricingCategory,
        PricingModel = PricingModel,
        CostAmount = CostAmount,
        CostCurrency = CostCurrency,
        ErrorCode = ErrorCode,
        ErrorTitle = ErrorTitle,
        ErrorDetails = ErrorDetails,
    };
}

/// <summary>
/// A JSON value read as text, without decoding it yet: a plain string stays a place in the delivery (its bytes are
/// its UTF-8 text); an escaped string, a number or a boolean is decoded at once (rare); null, any other value and a
/// property that is not there (the default) are absent.
/// </summary>
internal readonly struct Utf8Text
{
    private readonly int _start;
    private readonly int _length;
    private readonly bool _inDelivery;
    private readonly string? _decoded;

    private Utf8Text(int start, int length, bool inDelivery, string? decoded)
    {
        _start = start;
        _length = length;
        _inDelivery = inDelivery;
        _decoded = decoded;
    }

    /// <summary>Text that is not in the delivery: a value taken from elsewhere (value.contacts[] for a status).</summary>
    public static Utf8Text Of(string? text) => new(0, 0, false, text);

    /// <summary>No value: the property was not there, or was null or not text.</summary>
    public bool IsAbsent => !_inDelivery && _decoded is null;

    /// <summary>The value's place in the delivery; false when it was decoded instead, or is absent.</summary>
    public bool TryGetBytes(ReadOnlySpan<byte> json, out ReadOnlySpan<byte> utf8)
    {
        utf8 = _inDelivery ? json.Slice(_start, _length) : default;
        return _inDelivery;
    }

    public string? ToString(ReadOnlySpan<byte> json) => _inDelivery ? JsonScanner.Decode(json.Slice(_start, _length)) : _decoded;

    /// <summary>At a property name: its value, as <see cref="DeliveryParser"/> reads text (numbers keep their spelling).</summary>
    public static Utf8Text Next(ref JsonScanner r)
    {
        r.Read();
        if (r.TokenType == System.Text.Json.JsonTokenType.String && !r.ValueIsEscaped) return new Utf8Text(r.ValueStartIndex, r.ValueSpan.Length, true, null);
        return new Utf8Text(0, 0, false, DeliveryParser.CurrentAsString(ref r));
    }
}
