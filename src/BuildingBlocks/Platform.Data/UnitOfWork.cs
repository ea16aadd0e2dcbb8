using System.Data;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// One connection and one transaction: what a write (or a read that must see one snapshot) runs in. Stores run their
/// statements in it; <see cref="CommitAsync"/> makes them stick, and ending it without a commit rolls them all back,
/// so a write that throws leaves nothing behind.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly List<NpgsqlBatchCommand> _withCommit = [];

    private UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>
    /// Begins a unit of work on an open connection, which it then owns: ending the unit of work returns the connection
    /// to the pool.
    /// </summary>
    public static async Task<UnitOfWork> BeginAsync(
        NpgsqlConnection connection, IsolationLevel isolation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(isolation, cancellationToken);
        return new UnitOfWork(connection, transaction);
    }

    /// <summary>A statement in this unit of work.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    /// <summary>Statements sent together, in this unit of work.</summary>
    public NpgsqlBatch Batch() => new(_connection, _transaction);

    /// <summary>
    /// A write that nothing in this unit of work reads back (an outbox row, an audit record, a stored answer), sent
    /// with the commit, in its round trip, instead of in one of its own. A write holds its locks until it commits, so
    /// each round trip saved there is one less that other writes wait for. If it fails, nothing commits.
    /// </summary>
    public void AddToCommit(NpgsqlBatchCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _withCommit.Add(command);
    }

    /// <summary>
    /// Sends what was added to the commit, then COMMIT, in one round trip. A batch stops at its first failing statement
    /// (the transaction is then aborted and ending the unit of work rolls it back), so COMMIT runs only if they all
    /// succeeded. Npgsql follows the transaction's state from the server, so a COMMIT sent as a statement completes
    /// the transaction as its own CommitAsync would.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_withCommit.Count == 0)
        {
            await _transaction.CommitAsync(cancellationToken);
            return;
        }

        await using var batch = Batch();
        foreach (var command in _withCommit) batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        _withCommit.Clear();
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rolls back what was not committed and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public static class UnitOfWorkExtensions
{
    /// <summary>
    /// Opens a connection of the data source and begins a unit of work on it; unless asked otherwise, at the server's
    /// default isolation (READ COMMITTED).
    /// </summary>
    public static async Task<UnitOfWork> BeginUnitOfWorkAsync(
        this NpgsqlDataSource dataSource, CancellationToken cancellationToken, IsolationLevel isolation = IsolationLevel.Unspecified)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await UnitOfWork.BeginAsync(connection, isolation, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A statement in <paramref name="work"/>, or, for a plain read (no unit of work), one that takes a pooled connection
    /// of its own for as long as it runs (until its reader is disposed).
    /// </summary>
    public static NpgsqlCommand Command(this NpgsqlDataSource dataSource, UnitOfWork? work, string sql) =>
        work?.Command(sql) ?? dataSource.CreateCommand(sql);

    /// <summary>
    /// Statements sent together in one round trip: in <paramref name="work"/>, or, for a plain read, on a pooled
    /// connection of their own for as long as they run.
    /// </summary>
    public static NpgsqlBatch Batch(this NpgsqlDataSource dataSource, UnitOfWork? work) =>
        work?.Batch() ?? dataSource.CreateBatch();
}
