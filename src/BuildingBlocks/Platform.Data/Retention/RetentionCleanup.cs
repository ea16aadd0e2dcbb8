using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Data.Retention;

/// <summary>What one pass did to one table.</summary>
/// <param name="Statements">Delete statements run: one per batch, the last one deleting less than a full batch.</param>
/// <param name="Error">Why the pass over this table stopped early; the rows counted were deleted all the same.</param>
public sealed record RetentionOutcome(string Table, TimeSpan Window, long RowsDeleted, int Statements, Exception? Error);

/// <summary>
/// Deletes the rows of every registered <see cref="RetentionRule"/> that are older than its window, in batches.
/// <see cref="RunOnceAsync"/> is one pass; the background service calls it every Retention:Interval.
/// </summary>
/// <remarks>
/// Each batch is its own statement and so its own short transaction: a pass stopped half-way (by the host stopping,
/// the database going down) keeps what it deleted and the next pass carries on. The batch statements skip rows
/// another transaction has locked, so two replicas of a service trimming one database share the work.
/// </remarks>
public sealed partial class RetentionCleanup
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly RetentionOptions _options;
    private readonly ILogger<RetentionCleanup> _logger;

    public RetentionCleanup(
        NpgsqlDataSource dataSource,
        IEnumerable<RetentionRule> rules,
        IOptions<RetentionOptions> options,
        IConfiguration configuration,
        ILogger<RetentionCleanup> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _logger = logger;
        Windows = rules.Select(rule => (rule, WindowOf(rule, configuration))).ToList();
    }

    /// <summary>Every table trimmed, with its window as configured.</summary>
    public IReadOnlyList<(RetentionRule Rule, TimeSpan Window)> Windows { get; }

    /// <summary>
    /// Trims every table once. A table that fails (database down, table missing) is logged and counted, and the
    /// others are still trimmed; only the <paramref name="cancellationToken"/> ends the pass with an exception.
    /// </summary>
    public async Task<IReadOnlyList<RetentionOutcome>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<RetentionOutcome>(Windows.Count);
        foreach (var (rule, window) in Windows)
        {
            var outcome = await TrimAsync(rule, window, cancellationToken);
            if (outcome.Error is { } error)
            {
                RetentionDiagnostics.Failures.Add(1, RetentionDiagnostics.Table(rule));
                LogTableFailed(error, rule.Table, outcome.RowsDeleted, _options.Interval);
            }
            else if (outcome.RowsDeleted > 0)
            {
                LogRowsDeleted(outcome.RowsDeleted, rule.Table, window, outcome.Statements);
            }

            outcomes.Add(outcome);
        }

        return outcomes;
    }

    private async Task<RetentionOutcome> TrimAsync(RetentionRule rule, TimeSpan window, CancellationToken cancellationToken)
    {
        long deleted = 0;
        var statements = 0;
        try
        {
            while (true)
            {
                await using var command = _dataSource.CreateCommand(rule.DeleteBatchSql);
                command.Parameters.AddWithValue("window", window);
                command.Parameters.AddWithValue("batch_size", _options.BatchSize);
                var batch = await command.ExecuteNonQueryAsync(cancellationToken);

                statements++;
                deleted += batch;
                RetentionDiagnostics.RowsDeleted.Add(batch, RetentionDiagnostics.Table(rule));

                if (batch < _options.BatchSize)
                {
                    return new RetentionOutcome(rule.Table, window, deleted, statements, Error: null);
                }

                await Task.Delay(_options.BatchPause, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            return new RetentionOutcome(rule.Table, window, deleted, statements, exception);
        }
    }

    // Read once, when the host builds the cleanup, so a mistyped or non-positive window stops the start with
    // its setting's name instead of deleting on a window nobody meant.
    private static TimeSpan WindowOf(RetentionRule rule, IConfiguration configuration)
    {
        var key = $"{RetentionOptions.SectionName}:{rule.Setting}";
        var window = configuration.GetValue(key, rule.DefaultWindow);
        return window > TimeSpan.Zero
            ? window
            : throw new InvalidOperationException($"{key} must be a positive duration (such as 7.00:00:00); it is {window}.");
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Retention deleted {Rows} rows from {Table} older than {Window}, in {Statements} statements")]
    private partial void LogRowsDeleted(long rows, string table, TimeSpan window, int statements);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Retention of {Table} failed after deleting {Rows} rows; trying again in {Interval}")]
    private partial void LogTableFailed(Exception exception, string table, long rows, TimeSpan interval);
}
