using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using Dialog360.MM.Session;

namespace Dialog360.MM.Loading;

/// <summary>
/// On Windows PowerShell 5.1 (.NET Framework) the module ships System.Text.Json 8 and its dependencies in a folder of
/// its own, netfx/, and resolves them here. PowerShell 7.4+ already has a newer System.Text.Json, so nothing is
/// shipped or resolved there. The handler answers only for files in that folder, and only when the request comes
/// from this module's assemblies (or from no known assembly), so it never hands another module our copies.
/// On removal it also closes the runspace's session (emulators, receivers, accounts' connections).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
    private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "netfx");

    public void OnImport()
    {
        if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        ModuleSession.CloseCurrent();
        if (IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve -= Resolve;
    }

    private static bool IsNetFramework =>
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var requester = args.RequestingAssembly;
        if (requester != null && !IsOurs(requester)) return null;
        var name = new AssemblyName(args.Name).Name;
        var path = Path.Combine(DependencyDirectory, name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }

    private static bool IsOurs(Assembly assembly)
    {
        if (assembly.IsDynamic) return false;
        var directory = Path.GetDirectoryName(assembly.Location);
        return string.Equals(directory, ModuleDirectory, StringComparison.OrdinalIgnoreCase) ||
               string.Equals(directory, DependencyDirectory, StringComparison.OrdinalIgnoreCase);
    }
}
