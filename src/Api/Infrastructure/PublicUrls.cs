using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// Absolute URLs this service hands out (download links) start with <c>Api:PublicBaseUrl</c>, the address users reach
/// the cluster at; without it, with the address this node listens on. Never with the request's Host header, which
/// any client chooses (with <c>AllowedHosts *</c> a forged Host would otherwise make links point elsewhere).
/// </summary>
public static class PublicUrls
{
    public const string SettingKey = "Api:PublicBaseUrl";

    public static string Base(HttpContext http)
    {
        var configured = http.RequestServices.GetRequiredService<IConfiguration>()[SettingKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }

        var listening = http.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listening is null || !Uri.TryCreate(listening.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri))
        {
            return "http://localhost" + http.Request.PathBase;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}{http.Request.PathBase}";
    }
}
