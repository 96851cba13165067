using System;
using System.Runtime.InteropServices;
using System.Security;
using Azure;
using Azure.Storage.Blobs;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>Where an account's state lives in Azure Storage, and how the module signs in to it.</summary>
public sealed class AzureStateOptions
{
    /// <summary>A storage connection string (with an account key or a SAS), or <c>UseDevelopmentStorage=true</c> for Azurite.</summary>
    public SecureString? ConnectionString { get; set; }

    /// <summary>The account's blob endpoint, e.g. https://contoso.blob.core.windows.net, with <see cref="SasToken"/> or
    /// <see cref="ManagedIdentity"/>.</summary>
    public Uri? AccountUri { get; set; }

    public SecureString? SasToken { get; set; }

    /// <summary>Signs in as the managed identity of the Azure Automation account (or App Service) the job runs in.</summary>
    public bool ManagedIdentity { get; set; }

    public string Container { get; set; } = DefaultContainer;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public const string DefaultContainer = "dialog360-mm";
}

/// <summary>
/// Opens an account's state store in Azure Storage. Its signature holds only BCL and Core types, so the cmdlets can
/// call it without the Azure SDK being loaded until an account actually keeps its state there.
/// </summary>
public static class AzureState
{
    /// <exception cref="ArgumentException">The options name no store, or a container name Azure refuses.</exception>
    /// <exception cref="StateUnavailableException">With <paramref name="check"/>: the store cannot be reached or refuses.</exception>
    public static IStateStore Open(AzureStateOptions options, bool check)
    {
        if (ContainerProblem(options.Container) is { } problem)
            throw new ArgumentException($"The container name '{options.Container}' is not one Azure accepts: {problem}.");
        var clientOptions = AzureStateStore.ClientOptions();
        BlobContainerClient container;
        if (options.ConnectionString is { Length: > 0 } connection)
        {
            try { container = new BlobContainerClient(Plain(connection), options.Container, clientOptions); }
            catch (Exception ex) when (ex is FormatException || ex is ArgumentException || ex is InvalidOperationException)
            {
                // The SDK's message can quote the string; this one does not.
                throw new ArgumentException("The storage connection string cannot be read. Copy it again from the storage account's " +
                                            "Access keys page (DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net).");
            }
        }
        else if (options.AccountUri is { } account)
        {
            if (!account.IsAbsoluteUri || (account.Scheme != Uri.UriSchemeHttps && account.Scheme != Uri.UriSchemeHttp))
                throw new ArgumentException($"The storage account address '{account}' is not an http(s) address such as https://contoso.blob.core.windows.net.");
            var containerUri = new Uri(account.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + options.Container);
            if (options.SasToken is { Length: > 0 } sas)
                container = new BlobContainerClient(containerUri, new AzureSasCredential(Plain(sas).TrimStart('?')), clientOptions);
            else if (options.ManagedIdentity)
            {
                var identity = new IdentityEndpointCredential();
                if (!identity.IsAvailable)
                    throw new ArgumentException("No managed identity here: neither IDENTITY_ENDPOINT and IDENTITY_HEADER nor MSI_ENDPOINT is set. " +
                                                "In Azure Automation, turn on the account's system-assigned identity; elsewhere give a connection string or a SAS.");
                container = new BlobContainerClient(containerUri, identity, clientOptions);
            }
            else
                throw new ArgumentException("A storage account address needs a way to sign in: a SAS token, or the managed identity.");
        }
        else
        {
            throw new ArgumentException("No storage account: give a connection string, or an account address with a SAS token or the managed identity.");
        }
        var store = new AzureStateStore(container, options.Time);
        if (check) store.Check();
        return store;
    }

    /// <summary>Azure's rule for container names: 3 to 63 lowercase letters, digits and single hyphens, starting with a
    /// letter or digit.</summary>
    internal static string? ContainerProblem(string name)
    {
        if (name.Length < 3 || name.Length > 63) return "it is 3 to 63 characters";
        foreach (var c in name)
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')) return "it holds only lowercase letters, digits and hyphens";
        if (name[0] == '-' || name[name.Length - 1] == '-' || name.Contains("--")) return "a hyphen is never first, last or doubled";
        return null;
    }

    private static string Plain(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try { return Marshal.PtrToStringUni(pointer)!; }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(pointer); }
    }
}
