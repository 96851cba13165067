using System;
using System.Threading.Tasks;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Dialog360.MM.Core.State;

namespace Dialog360.MM.Storage.Azure;

/// <summary>
/// Every call to the store goes through here: an answer the SDK could not turn into success (after its own retries)
/// becomes a <see cref="StateUnavailableException"/> that says what was being done and what the store said, so Core
/// reports it as JournalUnavailable or SuppressionListUnavailable, never as an exception type of the SDK.
/// </summary>
internal static class Store
{
    public static T Call<T>(string what, Func<T> call)
    {
        try { return call(); }
        catch (Exception ex) when (Translate(what, ex) is { } failure) { throw failure; }
    }

    /// <summary>As <see cref="Call{T}"/>, for the SDK's async calls.</summary>
    public static async Task<T> CallAsync<T>(string what, Func<Task<T>> call)
    {
        try { return await call().ConfigureAwait(false); }
        catch (Exception ex) when (Translate(what, ex) is { } failure) { throw failure; }
    }

    /// <summary>What the store's failure means for the user, or null for an exception that is not the store's.</summary>
    private static StateUnavailableException? Translate(string what, Exception ex) => ex switch
    {
        RequestFailedException failed => new StateUnavailableException(Describe(what, failed), failed),
        AggregateException { InnerException: RequestFailedException inner } => new StateUnavailableException(Describe(what, inner), inner),
        // The SDK's retries gave up on timeouts or broken connections: one failure per try, all alike.
        AggregateException all => new StateUnavailableException(
            $"Azure Storage did not answer when asked to {what} ({FirstLine(all.InnerException?.Message ?? all.Message)}). Check the storage address and the network, then run the command again.", all),
        OperationCanceledException timeout => new StateUnavailableException(
            $"Azure Storage did not answer in time when asked to {what}. Check the storage address and the network, then run the command again.", timeout),
        _ => null,
    };

    /// <summary>
    /// Runs <paramref name="call"/>; if the container does not exist (an account connected with -SkipValidation, or a
    /// container deleted meanwhile), creates it and runs the call once more.
    /// </summary>
    public static T InContainer<T>(BlobContainerClient container, string what, Func<T> call) =>
        Call(what, () =>
        {
            try { return call(); }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                container.CreateIfNotExists();
                return call();
            }
        });

    /// <summary>True when the error says the container is missing: a list of it is then empty.</summary>
    public static bool IsContainerMissing(RequestFailedException ex) => ex.ErrorCode == BlobErrorCode.ContainerNotFound;

    private static string Describe(string what, RequestFailedException ex) => ex.Status == 0
        ? $"Azure Storage could not be reached to {what}: {FirstLine(ex.Message)} Check the storage address and the network, then run the command again."
        : $"Azure Storage answered {ex.Status} ({ex.ErrorCode ?? "no code"}) when asked to {what}: {FirstLine(ex.Message)}" +
          (ex.Status is 401 or 403 ? " Check the connection string, the SAS (its permissions: read, add, create, write, list) or the identity's role (Storage Blob Data Contributor)." : "");

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text.Substring(0, end)).Trim();
    }
}
