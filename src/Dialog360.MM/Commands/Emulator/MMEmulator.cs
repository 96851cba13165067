using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using Dialog360.MM.Emulator;

namespace Dialog360.MM.Commands.Emulator;

/// <summary>
/// A running emulator as Start-MMEmulator returns it: pipe it to Connect-MMAccount (BaseUri and Credential bind by
/// property name), and read what it received from Requests or AcceptedCount().
/// Dialog360.MM.Emulator.dll loads only when one is started: the module touches emulator types only in members that
/// run for a started emulator (a field's type alone loads nothing; a method body that names one does when compiled).
/// </summary>
public sealed class MMEmulator
{
    internal MMEmulator(MarketingApiEmulator emulator)
    {
        Emulator = emulator;
        var secure = new SecureString();
        foreach (var c in emulator.ApiKey) secure.AppendChar(c);
        secure.MakeReadOnly();
        Credential = new PSCredential("emulator", secure);
    }

    public Uri BaseUri => Emulator.BaseUri;
    public int Port => Emulator.Port;
    /// <summary>The emulator's own throw-away key (not a 360dialog key).</summary>
    public string ApiKey => Emulator.ApiKey;
    public PSCredential Credential { get; }
    public bool IsRunning => Emulator.IsRunning;
    public long RequestCount => Emulator.RequestCount;
    public IReadOnlyList<EmulatorRequest> Requests => Emulator.Requests;
    public MarketingApiEmulator Emulator { get; }

    public int AcceptedCount(string recipient) => Emulator.AcceptedCount(recipient);

    /// <summary>Stops listening; Stop-MMEmulator calls this, so its own body names no emulator type.</summary>
    public void Stop() => Emulator.Stop();

    /// <summary>Accepted sends per recipient (digits only), for every recipient the emulator accepted.</summary>
    public IReadOnlyDictionary<string, int> AcceptedByRecipient => Emulator.AcceptedByRecipient;

    public override string ToString() => BaseUri.ToString();
}
