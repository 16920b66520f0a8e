namespace CrmActors.Runtime.Reminders;

/// <summary>A registered reminder as stored: its schedule, next due time and last delivered occurrence.</summary>
public sealed record ReminderEntry(
    string GrainType, string GrainKey, string Name, ReminderSchedule Schedule, DateTimeOffset NextDue, DateTimeOffset? LastFired);
