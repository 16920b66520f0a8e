using System.Runtime.CompilerServices;
using System.Text;

namespace CrmActors.Grains.MailAddOn;

internal static class MailEncodings
{
    /// <summary>
    /// MimeKit builds its charset table once, on first use, from the encodings registered at that moment;
    /// ISO-2022-JP, Shift_JIS and windows-125x are only there once CodePagesEncodingProvider is registered.
    /// Registering when this assembly loads is the one place guaranteed to run before any MimeKit call.
    /// </summary>
#pragma warning disable CA2255 // A module initializer is the point: no caller can be relied on to register first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
