using Npgsql;
using Platform.Data;
using Platform.Testing;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>
/// <see cref="UnitOfWork.AddToCommit"/> over real PostgreSQL: what is added is sent with COMMIT in one round trip, so it
/// must commit exactly with the rest of the unit of work, and the pooled connection must come back ready for the next.
/// </summary>
public sealed class UnitOfWorkTests(MessagingFixture servers)
{
    [Fact]
    public async Task Writes_added_to_the_commit_commit_with_it_and_not_before()
    {
        await using var dataSource = await ScratchAsync();
        var cancellationToken = TestContext.Current.CancellationToken;

        await using (var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken))
        {
            await InsertAsync(work, 1);
            work.AddToCommit(Insert(2));
            work.AddToCommit(Insert(3));

            // Added, not sent: not even this unit of work sees them yet, and no one else sees the first.
            (await CountAsync(work.Command("SELECT count(*) FROM scratch"))).ShouldBe(1);
            (await dataSource.CommittedRowsAsync()).ShouldBe(0);

            await work.CommitAsync(cancellationToken);
        }

        (await dataSource.CommittedRowsAsync()).ShouldBe(3);
        await AssertPoolReadyAsync(dataSource);
    }

    [Fact]
    public async Task A_write_added_to_the_commit_that_fails_leaves_nothing_committed()
    {
        await using var dataSource = await ScratchAsync();
        var cancellationToken = TestContext.Current.CancellationToken;

        await using (var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken))
        {
            await InsertAsync(work, 1);
            work.AddToCommit(Insert(2));
            work.AddToCommit(Insert(1)); // the key the unit of work already inserted

            var refused = await Should.ThrowAsync<PostgresException>(() => work.CommitAsync(cancellationToken));
            refused.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        }

        (await dataSource.CommittedRowsAsync()).ShouldBe(0);
        await AssertPoolReadyAsync(dataSource);
    }

    [Fact]
    public async Task A_unit_of_work_ended_without_a_commit_sends_nothing_it_was_given_for_the_commit()
    {
        await using var dataSource = await ScratchAsync();
        var cancellationToken = TestContext.Current.CancellationToken;

        await using (var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken))
        {
            await InsertAsync(work, 1);
            work.AddToCommit(Insert(2));
        }

        (await dataSource.CommittedRowsAsync()).ShouldBe(0);
        await AssertPoolReadyAsync(dataSource);
    }

    /// <summary>
    /// A database with a table to write to. The units of work get one pooled connection, so each gets the connection
    /// the last one ended on; others look from a connection of their own.
    /// </summary>
    private async Task<Scratch> ScratchAsync()
    {
        var connectionString = await servers.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken);
        var scratch = new Scratch(
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1 }.ConnectionString),
            NpgsqlDataSource.Create(connectionString));
        await using var create = scratch.Observer.CreateCommand("CREATE TABLE scratch (id int PRIMARY KEY)");
        await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return scratch;
    }

    private sealed record Scratch(NpgsqlDataSource Units, NpgsqlDataSource Observer) : IAsyncDisposable
    {
        public Task<UnitOfWork> BeginUnitOfWorkAsync(CancellationToken cancellationToken) => Units.BeginUnitOfWorkAsync(cancellationToken);

        /// <summary>The rows of the scratch table that others see: those committed.</summary>
        public Task<long> CommittedRowsAsync() => CountAsync(Observer.CreateCommand("SELECT count(*) FROM scratch"));

        public async ValueTask DisposeAsync()
        {
            await Units.DisposeAsync();
            await Observer.DisposeAsync();
        }
    }

    /// <summary>The connection went back to the pool outside any transaction: a new unit of work begins, writes and commits on it.</summary>
    private static async Task AssertPoolReadyAsync(Scratch dataSource)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using (var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken))
        {
            await InsertAsync(work, 100);
            work.AddToCommit(Insert(101));
            await work.CommitAsync(cancellationToken);
        }
        (await CountAsync(dataSource.Observer.CreateCommand("SELECT count(*) FROM scratch WHERE id >= 100"))).ShouldBe(2);
        await using var cleanUp = dataSource.Observer.CreateCommand("DELETE FROM scratch WHERE id >= 100");
        await cleanUp.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertAsync(UnitOfWork work, int id)
    {
        await using var command = work.Command("INSERT INTO scratch (id) VALUES ($1)");
        command.Parameters.AddWithValue(id);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static NpgsqlBatchCommand Insert(int id)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO scratch (id) VALUES ($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return command;
    }

    private static async Task<long> CountAsync(NpgsqlCommand command)
    {
        await using (command) return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
