using System.Management.Automation;

using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Emulator;

/// <summary>The emulators this session started, with their counters.</summary>
[Cmdlet(VerbsCommon.Get, "MMEmulator")]
[OutputType(typeof(MMEmulator))]
public sealed class GetMMEmulatorCommand : MMCmdlet
{
    /// <summary>Only the emulator on this port.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    protected override void EndProcessing()
    {
        foreach (var emulator in ModuleSession.Emulators.ToArray())
        {
            if (Port == 0 || emulator.Port == Port) WriteObject(emulator);
        }
    }
}
