namespace Platform.AppHost.Hosting;

public static class ProjectBuilderExtensions
{
    /// <summary>Adds a service by its project folder, relative to the repository root, e.g. <c>src/Practices/Practices.Api</c>.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectDirectory) =>
        builder.AddResource(new ProjectResource(name, projectDirectory));

    /// <summary>Fixes the default port of the HTTP/1 endpoint (health, browsing); without it a free port is used.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int port)
    {
        builder.Resource.Http.DefaultPort = port;
        return builder;
    }

    /// <summary>Fixes the default port of the HTTP/2 gRPC endpoint; without it a free port is used.</summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoint(this IResourceBuilder<ProjectResource> builder, int port)
    {
        builder.Resource.Grpc.DefaultPort = port;
        return builder;
    }

    /// <summary>Passes the source's connection string as <c>ConnectionStrings__&lt;source name&gt;</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString> source)
    {
        builder.Resource.References.Add(ResourceBuilderExtensions.AsResource(source));
        return builder;
    }

    /// <summary>Passes the service's endpoints for service discovery as <c>services__&lt;service&gt;__&lt;endpoint&gt;__0</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> service)
    {
        builder.Resource.References.Add(service.Resource);
        return builder;
    }
}
