using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Dialog360.MM.Loader;

/// <summary>
/// On PowerShell 7.4+ the cmdlet assembly and every DLL shipped beside it (Core, PhoneNumbers, …) load here instead of
/// the default context that all modules share, so another module's PhoneNumbers, of whatever version, is never bound
/// to ours and ours never to it. What the module folder does not ship (System.Management.Automation, System.Text.Json,
/// the runtime) still comes from the default context: one copy of PowerShell's own types.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private const string CmdletAssembly = "Dialog360.MM";
    private static readonly object Gate = new();
    private static ModuleLoadContext? _instance;
    private readonly string _directory;

    private ModuleLoadContext(string directory) : base(CmdletAssembly, isCollectible: false) => _directory = directory;

    /// <summary>
    /// The cmdlet assembly from the one context of this process. The context is not collectible (PowerShell keeps
    /// references to cmdlet types), so every import in the process, Import-Module -Force included, gets the same one.
    /// </summary>
    public static Assembly LoadModule()
    {
        lock (Gate)
        {
            _instance ??= new ModuleLoadContext(Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)!);
            return _instance.LoadFromAssemblyName(new AssemblyName(CmdletAssembly));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // The loader itself stays the default context's one, so there is never a second ModuleLoadContext type.
        if (assemblyName.Name == typeof(ModuleLoadContext).Assembly.GetName().Name) return null;
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
