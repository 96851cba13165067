using System;
using System.Management.Automation;
using System.Security;
using Dialog360.MM.Commands.Suppression;
using Dialog360.MM.Core.Api;
using Dialog360.MM.Core.State;
using Dialog360.MM.Errors;
using Dialog360.MM.Session;
using Dialog360.MM.Storage.Azure;

namespace Dialog360.MM.Commands.Accounts;

[Cmdlet(VerbsCommunications.Connect, "MMAccount", DefaultParameterSetName = ApiKeySet)]
[OutputType(typeof(MMAccount))]
public sealed class ConnectMMAccountCommand : MMCmdlet
{
    private const string ApiKeySet = "ApiKey";
    private const string CredentialSet = "Credential";
    internal const string EnvironmentVariable = "D360_API_KEY";

    [Parameter(ParameterSetName = ApiKeySet, Position = 0)]
    [ValidateNotNull]
    public SecureString? ApiKey { get; set; }

    [Parameter(ParameterSetName = CredentialSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "default";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri BaseUri { get; set; } = ApiClientOptions.DefaultBaseUri;

    /// <summary>Meta starts a number at 80 msg/s and can raise it to 1,000 (docs/reference/mm-api.md).</summary>
    [Parameter]
    [ValidateRange(0.1, 10_000)]
    public double MessagesPerSecond { get; set; } = 80;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SuppressionPath { get; set; }

    /// <summary>Keeps journals and the suppression list in Azure Storage: the connection string from the portal
    /// (Access keys), or <c>UseDevelopmentStorage=true</c> for Azurite.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? StorageConnectionString { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Uri? StorageAccountUri { get; set; }

    [Parameter]
    [ValidateNotNull]
    public SecureString? StorageSasToken { get; set; }

    [Parameter]
    public SwitchParameter UseManagedIdentity { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string StorageContainer { get; set; } = AzureStateOptions.DefaultContainer;

    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Uri baseUri;
        try { baseUri = ApiClient.NormalizeBaseUri(BaseUri); }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidBaseUri, ex, BaseUri));
            return;
        }

        var key = ResolveKey();
        var state = OpenState();
        var suppressionPath = SuppressionPath is null ? null
            : state is FileStateStore ? SuppressionCmdlet.ResolveListPath(this, SuppressionPath, nameof(SuppressionPath))
            : StateName(state, SuppressionPath, nameof(SuppressionPath));
        var client = new ApiClient(baseUri, key, new ApiClientOptions { UserAgent = UserAgent() });
        if (!SkipValidation)
        {
            WriteVerbose($"Checking the key ****{key.Hint} with GET {client.RouteUri("v1/configs/templates?limit=1")}");
            try
            {
                Wait(client.ValidateKeyAsync(CancelToken));
            }
            catch (ApiException ex)
            {
                client.Dispose();
                var record = ErrorRecords.FromApi(ex, Name);
                if (ex.Kind == ApiErrorKind.Authentication)
                {
                    record = ErrorRecords.Create(ErrorIds.InvalidApiKey, new UnauthorizedAccessException(
                            $"{baseUri} refused the API key ending in {key.Hint} (HTTP {ex.HttpStatus}: {ex.Message}). Check the key in the 360dialog Client Hub, or create a new one.", ex), Name);
                }
                ThrowTerminatingError(record);
            }
            catch (ApiTransportException ex)
            {
                client.Dispose();
                ThrowTerminatingError(ErrorRecords.FromTransport(ex, Name));
            }
        }

        var session = ModuleSession;
        var account = new ConnectedAccount(Name, client, Time.GetLocalNow(), MessagesPerSecond, suppressionPath, state);
        session.Add(account);
        WriteVerbose($"Connected account '{Name}' to {baseUri} (key ****{key.Hint}){(session.IsDefault(account) ? " as the default" : string.Empty)}.");
        if (PassThru) WriteObject(account.ToOutput(session.IsDefault(account)));
    }

    /// <summary>Files unless a storage account is given; then the container, checked unless -SkipValidation.</summary>
    private IStateStore OpenState()
    {
        var storage = StorageConnectionString != null || StorageAccountUri != null || StorageSasToken != null || UseManagedIdentity ||
                      MyInvocation.BoundParameters.ContainsKey(nameof(StorageContainer));
        if (!storage) return FileStateStore.Instance;
        string? problem = null;
        if (StorageConnectionString != null && (StorageAccountUri != null || StorageSasToken != null || UseManagedIdentity))
            problem = "-StorageConnectionString names the account and signs in by itself: leave out -StorageAccountUri, -StorageSasToken and -UseManagedIdentity.";
        else if (StorageConnectionString == null && StorageAccountUri == null)
            problem = "Name the storage account: -StorageConnectionString, or -StorageAccountUri https://<account>.blob.core.windows.net with -StorageSasToken or -UseManagedIdentity.";
        else if (StorageAccountUri != null && (StorageSasToken != null) == UseManagedIdentity)
            problem = "-StorageAccountUri signs in with one of -StorageSasToken or -UseManagedIdentity.";
        if (problem != null) ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidStorageSetting, new ArgumentException(problem), Name));
        return OpenAzure();
    }

    /// <summary>Apart from <see cref="OpenState"/> so that the Azure SDK loads only for an account that keeps its state there.</summary>
    private IStateStore OpenAzure()
    {
        var options = new AzureStateOptions
        {
            ConnectionString = StorageConnectionString,
            AccountUri = StorageAccountUri,
            SasToken = StorageSasToken,
            ManagedIdentity = UseManagedIdentity,
            Container = StorageContainer,
            Time = Time,
        };
        var how = StorageConnectionString != null ? "the connection string" : UseManagedIdentity ? "the managed identity" : "the SAS token";
        WriteVerbose(SkipValidation
            ? $"Keeping state in Azure Storage container '{StorageContainer}' (signing in with {how}; not checked: -SkipValidation)."
            : $"Checking Azure Storage container '{StorageContainer}' (signing in with {how}): creating it if missing, then listing it.");
        try
        {
            var store = AzureState.Open(options, check: !SkipValidation);
            WriteVerbose($"Journals and the suppression list live in {store.Description}.");
            return store;
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidStorageSetting, ex, Name));
        }
        catch (StateUnavailableException ex)
        {
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.StorageUnavailable, ex, Name));
        }
        throw new InvalidOperationException("unreachable");
    }

    private ApiKey ResolveKey()
    {
        var secure = Credential?.Password ?? ApiKey;
        if (secure != null && secure.Length > 0) return Checked(() => new ApiKey(secure), Credential != null ? "-Credential (its password)" : "-ApiKey");

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            WriteVerbose($"Using the API key from the {EnvironmentVariable} environment variable.");
            return Checked(() => Core.Api.ApiKey.FromPlainText(fromEnvironment!), $"the {EnvironmentVariable} environment variable");
        }

        ThrowTerminatingError(ErrorRecords.Create(
            ErrorIds.NoApiKey, new ArgumentException($"No API key: give -ApiKey (a SecureString), -Credential (the password is the key), or set the {EnvironmentVariable} environment variable."), Name));
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>A key with a control character would inject headers: refused here, before any client exists.</summary>
    private ApiKey Checked(Func<ApiKey> create, string source)
    {
        try { return create(); }
        catch (ArgumentException ex)
        {
            // The message says where the bad character is, never the key or any part of it.
            ThrowTerminatingError(ErrorRecords.Create(ErrorIds.InvalidApiKeyFormat, new ArgumentException($"The API key from {source} is not usable. {ex.Message}", ex), Name));
            throw new InvalidOperationException("unreachable");
        }
    }
}
