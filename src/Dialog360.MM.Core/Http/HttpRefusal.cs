using System;

namespace Dialog360.MM.Core.Http;

/// <summary>Why a connection is closed before its request reaches the handler, and what the client is told.</summary>
internal sealed class HttpRefusal : Exception
{
    public HttpRefusal(int status, string reason, bool answer = true, bool linger = false) : base(reason)
    {
        Status = status;
        Answer = answer;
        Linger = linger;
    }

    public int Status { get; }

    /// <summary>False: closed without a word (nothing of a request came, so nobody waits for an answer).</summary>
    public bool Answer { get; }

    /// <summary>
    /// The client may still be sending: read and drop what comes for a moment after answering, since closing with
    /// unread bytes resets the connection and the client may lose the answer.
    /// </summary>
    public bool Linger { get; }
}
