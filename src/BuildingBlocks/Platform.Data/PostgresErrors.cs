using Npgsql;

namespace Platform.Data;

public static class PostgresErrors
{
    /// <summary>Errors that mean another transaction got there first: the write may succeed if retried after a fresh read.</summary>
    public static bool IsConcurrencyConflict(PostgresException e) => e.SqlState is
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable;
}
