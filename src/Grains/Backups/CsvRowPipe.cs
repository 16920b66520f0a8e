using System.Threading.Channels;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Hands CSV rows, formatted as UTF-8 by a reader task, to a writer in blocks through a bounded channel, so reading,
/// decoding and formatting overlap with compression and hashing. Blocks are recycled: memory stays at a few blocks
/// whatever the module's size.
/// </summary>
public sealed class CsvRowPipe(int blockBytes = 1 << 16, int blocks = 6)
{
    private readonly Channel<Block> _full = Channel.CreateBounded<Block>(blocks);
    private readonly Channel<Block> _empty = Channel.CreateUnbounded<Block>();
    private readonly int _blockBytes = blockBytes;
    private int _created;

    /// <summary>Rows back to back in <see cref="Csv"/>; row i ends at <see cref="Ends"/>[i].</summary>
    public sealed class Block
    {
        public Utf8CsvWriter Csv { get; } = new();

        public List<int> Ends { get; } = [];
    }

    /// <summary>
    /// Where the reader task writes rows: <see cref="NextRowAsync"/> gives the writer for one more row, which the
    /// caller writes and ends (<see cref="Utf8CsvWriter.EndRow"/>); a full block is handed over at the next call.
    /// </summary>
    public sealed class Rows(CsvRowPipe pipe, CancellationToken cancellationToken)
    {
        private Block? _block;

        public async ValueTask<Utf8CsvWriter> NextRowAsync()
        {
            if (_block is { } block)
            {
                block.Ends.Add(block.Csv.Length);
                if (block.Csv.Length < pipe._blockBytes)
                {
                    return block.Csv;
                }

                await pipe._full.Writer.WriteAsync(block, cancellationToken);
            }

            _block = await pipe.TakeAsync(cancellationToken);
            return _block.Csv;
        }

        internal async ValueTask CompleteAsync()
        {
            if (_block is { } block)
            {
                block.Ends.Add(block.Csv.Length);
                await pipe._full.Writer.WriteAsync(block, cancellationToken);
            }
        }
    }

    /// <summary>Runs <paramref name="produce"/> beside <paramref name="consume"/>, which gets every row (its bytes, CRLF included) in order.</summary>
    public async Task RunAsync(Func<Rows, CancellationToken, Task> produce, Func<ReadOnlyMemory<byte>, ValueTask> consume, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                var rows = new Rows(this, stop.Token);
                await produce(rows, stop.Token);
                await rows.CompleteAsync();
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
                var start = 0;
                foreach (var end in block.Ends)
                {
                    await consume(block.Csv.Written[start..end]);
                    start = end;
                }

                block.Csv.Clear();
                block.Ends.Clear();
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

    private ValueTask<Block> TakeAsync(CancellationToken cancellationToken) =>
        _empty.Reader.TryRead(out var block) ? ValueTask.FromResult(block)
        : Interlocked.Increment(ref _created) <= blocks + 2 ? ValueTask.FromResult(new Block())
        : _empty.Reader.ReadAsync(cancellationToken);
}
