using System.Net.Http.Headers;
using System.Text;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>Basic (user name and password) or Bearer (token) credentials. ToString never shows the secret.</summary>
public sealed class CardDavCredentials
{
    private readonly string scheme;
    private readonly string parameter;

    private CardDavCredentials(string scheme, string parameter, string? userName)
    {
        this.scheme = scheme;
        this.parameter = parameter;
        UserName = userName;
    }

    public string? UserName { get; }

    public bool IsBearer => scheme == "Bearer";

    public static CardDavCredentials Basic(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(password);
        return new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")), userName);
    }

    public static CardDavCredentials Bearer(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new("Bearer", token, null);
    }

    internal AuthenticationHeaderValue Header => new(scheme, parameter);

    public override string ToString() => IsBearer ? "Bearer ***" : $"Basic {UserName}:***";
}
