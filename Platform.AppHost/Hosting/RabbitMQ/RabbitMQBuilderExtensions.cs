namespace Platform.AppHost.Hosting;

public static class RabbitMQBuilderExtensions
{
    /// <summary>
    /// Adds a RabbitMQ broker. Dependents referencing it get <c>ConnectionStrings__&lt;name&gt;</c> as an amqp:// URI.
    /// The ports are its fixed defaults (null = any free port): AMQP, Erlang distribution, and its private epmd.
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(
        this DistributedApplicationBuilder builder, string name, int? port = null, int? distributionPort = null, int? epmdPort = null) =>
        builder.AddResource(new RabbitMQServerResource(name, port, distributionPort, epmdPort));
}
