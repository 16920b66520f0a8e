using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Runs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Grains.MailAddOn;

public static class MailAddOnHostingExtensions
{
    /// <summary>The mail add-on's options (<c>MailAddOn:*</c>), archive, password protection and backup run handler.</summary>
    public static IHostApplicationBuilder AddMailAddOn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MailAddOnOptions>().BindConfiguration("MailAddOn");
        // The API host configures where the key ring lives; this only makes sure a provider exists in every host.
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<MailSecrets>();
        builder.Services.AddSingleton<MailArchive>();
        builder.Services.AddSingleton<IRunHandler, MailBackupJob>();
        return builder;
    }
}
