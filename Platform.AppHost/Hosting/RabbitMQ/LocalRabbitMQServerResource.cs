namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A RabbitMQ broker run from the machine's own packages as an executable resource, with its node data under the
/// state folder. Services get <c>ConnectionStrings__&lt;name&gt;</c> as an amqp:// URI.
/// </summary>
public sealed class LocalRabbitMQServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string AmqpEndpointName = "amqp";
    public const string DistributionEndpointName = "dist";

    public EndpointReference PrimaryEndpoint => new(this, AmqpEndpointName);

    /// <summary>The Erlang node name, for rabbitmqctl (see the README).</summary>
    public string NodeName => $"{Name}@localhost";

    // guest may log in only over loopback connections, which is all the broker listens on.
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");
}
