using CrmActors.Runtime.TestHost;

namespace CrmActors.Tests.Runtime;

public static class TurnAssert
{
    /// <summary>Fails when two recorded turns of the grain <paramref name="key"/> overlapped in time.</summary>
    public static void NoOverlap(string key, int expectedTurns)
    {
        var turns = TurnProbe.Turns.Where(t => t.Key == key).OrderBy(t => t.Start).ToList();
        Assert.Equal(expectedTurns, turns.Count);
        for (var i = 1; i < turns.Count; i++)
        {
            Assert.True(turns[i].Start >= turns[i - 1].End, $"turn {i} started before turn {i - 1} ended");
        }
    }
}
