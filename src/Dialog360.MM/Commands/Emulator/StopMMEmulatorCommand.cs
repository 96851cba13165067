using System.Management.Automation;

using Dialog360.MM.Session;

namespace Dialog360.MM.Commands.Emulator;

[Cmdlet(VerbsLifecycle.Stop, "MMEmulator", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class StopMMEmulatorCommand : MMCmdlet
{
    /// <summary>The emulator to stop; none stops every emulator this session started.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public MMEmulator[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var emulators = ModuleSession.Emulators;
        var targets = InputObject ?? emulators.ToArray();
        foreach (var emulator in targets)
        {
            if (!ShouldProcess(emulator.BaseUri.ToString(), "Stop the emulator")) continue;
            emulator.Stop();
            emulators.Remove(emulator);
            WriteVerbose($"Stopped the emulator at {emulator.BaseUri}.");
        }
    }
}
