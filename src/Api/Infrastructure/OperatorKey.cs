using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrmActors.Api.Infrastructure;

/// <summary>The platform operator's key (<c>Operator:Key</c>), sent as <c>X-Operator-Key</c>.</summary>
public sealed class OperatorOptions
{
    public const string Header = "X-Operator-Key";

    /// <summary>The authorization policy of operator-only endpoints (the Orleans dashboard).</summary>
    public const string Policy = "operator";

    public string? Key { get; set; }

    /// <summary>True when the request carries the operator key or the operator's dashboard session cookie.</summary>
    public static bool IsOperator(HttpContext context) => IsOperatorKey(context) || OperatorSession.IsValid(context);

    /// <summary>True when the request carries the operator key (compared in constant time).</summary>
    public static bool IsOperatorKey(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IOptions<OperatorOptions>>().Value.Key;
        var sent = context.Request.Headers[Header].ToString();
        return !string.IsNullOrEmpty(expected) && sent.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected));
    }
}
