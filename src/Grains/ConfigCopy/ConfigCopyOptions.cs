namespace CrmActors.Grains.ConfigCopy;

/// <summary>Configuration-copy settings (<c>ConfigCopy:*</c>).</summary>
public sealed class ConfigCopyOptions
{
    /// <summary>How long a copy key can be used after it is generated.</summary>
    public TimeSpan KeyValidity { get; set; } = TimeSpan.FromHours(24);
}
