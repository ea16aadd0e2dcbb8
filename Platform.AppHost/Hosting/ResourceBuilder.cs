namespace Platform.AppHost.Hosting;

/// <summary>A resource being declared; the With*/WaitFor extension methods hang off this, as in Aspire.</summary>
public interface IResourceBuilder<out T>
    where T : IResource
{
    DistributedApplicationBuilder ApplicationBuilder { get; }

    T Resource { get; }
}

internal sealed class ResourceBuilder<T>(DistributedApplicationBuilder applicationBuilder, T resource) : IResourceBuilder<T>
    where T : IResource
{
    public DistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;
}

public static class ResourceBuilderExtensions
{
    /// <summary>Starts this resource only once <paramref name="dependency"/> is healthy (and stops it first).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        builder.Resource.WaitsFor.Add(AsResource(dependency));
        return builder;
    }

    internal static Resource AsResource(IResourceBuilder<IResource> builder) =>
        builder.Resource as Resource
        ?? throw new ArgumentException($"{builder.Resource.Name} is not a resource this AppHost can run.", nameof(builder));
}
