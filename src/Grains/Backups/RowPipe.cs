using System.Threading.Channels;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Hands rows from a reader task to a writer in blocks through a bounded channel, so reading and
/// decoding overlap with CSV writing, compression and hashing. Blocks are recycled: memory stays at a
/// few blocks whatever the module's size.
/// </summary>
public sealed class RowPipe(int columns, int rowsPerBlock = 512, int blocks = 6)
{
    private readonly Channel<RowBlock> _full = Channel.CreateBounded<RowBlock>(blocks);
    private readonly Channel<RowBlock> _empty = Channel.CreateUnbounded<RowBlock>();
    private int _created;

    /// <summary>A block of rows: row i is cells [i * columns, (i + 1) * columns).</summary>
    public sealed class RowBlock(int columns, int capacity)
    {
        public string?[] Cells { get; } = new string?[columns * capacity];

        public int Count { get; set; }

        public int Capacity => capacity;

        public ArraySegment<string?> Row(int index) => new(Cells, index * columns, columns);
    }

    /// <summary>Runs <paramref name="produce"/> (which fills rows through the callback) beside <paramref name="consume"/>, which gets every row in order.</summary>
    public async Task RunAsync(Func<Func<Func<ArraySegment<string?>, bool>, ValueTask>, CancellationToken, Task> produce,
        Func<ArraySegment<string?>, Task> consume, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            RowBlock? block = null;
            try
            {
                await produce(async fill =>
                {
                    block ??= await TakeAsync(stop.Token);
                    var row = block.Row(block.Count);
                    Array.Clear(row.Array!, row.Offset, row.Count);
                    if (fill(row) && ++block.Count == block.Capacity)
                    {
                        await _full.Writer.WriteAsync(block, stop.Token);
                        block = null;
                    }
                }, stop.Token);
                if (block is { Count: > 0 })
                {
                    await _full.Writer.WriteAsync(block, stop.Token);
                }

                _full.Writer.Complete();
            }
            catch (Exception exception)
            {
                _full.Writer.Complete(exception);
            }
        }, stop.Token);

        try
        {
            await foreach (var block in _full.Reader.ReadAllAsync(stop.Token))
            {
                for (var i = 0; i < block.Count; i++)
                {
                    await consume(block.Row(i));
                }

                block.Count = 0;
                _empty.Writer.TryWrite(block);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private ValueTask<RowBlock> TakeAsync(CancellationToken cancellationToken) =>
        _empty.Reader.TryRead(out var block) ? ValueTask.FromResult(block)
        : Interlocked.Increment(ref _created) <= blocks + 2 ? ValueTask.FromResult(new RowBlock(columns, rowsPerBlock))
        : _empty.Reader.ReadAsync(cancellationToken);
}
