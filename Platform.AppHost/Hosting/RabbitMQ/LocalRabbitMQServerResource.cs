namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A RabbitMQ broker run from the machine's own packages as an executable resource, with its node data under the
/// state folder. Services get <c>ConnectionStrings__&lt;name&gt;</c> as an amqp:// URI.
/// </summary>
public sealed class LocalRabbitMQServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    private readonly List<BrokerUser> _users = [];

    public const string AmqpEndpointName = "amqp";
    public const string DistributionEndpointName = "dist";

    public EndpointReference PrimaryEndpoint => new(this, AmqpEndpointName);

    /// <summary>The Erlang node name, for rabbitmqctl (see the README).</summary>
    public string NodeName => $"{Name}@localhost";

    /// <summary>The administrator's password (the AppHost's own checks, and tests), a secret parameter.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The services' own users, loaded into the broker when it boots.</summary>
    public IReadOnlyList<BrokerUser> Users => _users;

    /// <summary>The administrator's URI: the AppHost's own checks, and tests. No service is given it.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(
            $"amqp://{BrokerDefinitions.AdministratorName}:{PasswordParameter}@127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");

    /// <summary>A service's URI: its user name and no password (the service reads that from its file).</summary>
    public ReferenceExpression ConnectionStringFor(BrokerUser user) =>
        ReferenceExpression.Create($"amqp://{user.Name}@127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");

    internal void AddUser(BrokerUser user) => _users.Add(user);
}
