using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using CrmActors.Grains.Common;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// The operator's browser session: the product dashboard's operator sign-in trades the key for an
/// HttpOnly, SameSite=Strict cookie (protected with Data Protection, whose key ring every silo shares),
/// so pages the operator opens without custom headers — the Orleans dashboard — know them.
/// </summary>
public static class OperatorSession
{
    public const string Cookie = "crm-operator";
    private const string Purpose = "CrmActors.OperatorSession.v1";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static Results<NoContent, ProblemHttpResult> SignIn(HttpContext http, IDataProtectionProvider protection, TimeProvider clock)
    {
        if (!OperatorOptions.IsOperatorKey(http))
        {
            throw new ProblemException(401, ProblemCodes.Unauthorized, $"Send the operator key in the {OperatorOptions.Header} header to open an operator session.");
        }

        var expires = clock.GetUtcNow() + Lifetime;
        var value = Protector(protection).Protect(expires.ToUnixTimeSeconds().ToString());
        http.Response.Cookies.Append(Cookie, value, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", Expires = expires,
        });
        return TypedResults.NoContent();
    }

    public static NoContent SignOut(HttpContext http)
    {
        http.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }

    /// <summary>True when the request carries an unexpired operator cookie this cluster issued.</summary>
    public static bool IsValid(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Cookie, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            var expires = long.Parse(Protector(http.RequestServices.GetRequiredService<IDataProtectionProvider>()).Unprotect(value));
            return DateTimeOffset.FromUnixTimeSeconds(expires) > http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return false;
        }
    }

    private static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector(Purpose);
}
