namespace Platform.AppHost.Hosting.Orchestration;

/// <summary>Checks and orders the resource graph once, when the app is built.</summary>
internal static class ResourceGraph
{
    /// <summary>The resources named in <paramref name="only"/> (comma-separated) plus everything they need; all when empty.</summary>
    public static IReadOnlyList<Resource> Select(IReadOnlyList<Resource> declared, string? only)
    {
        var names = only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (names.Length == 0)
        {
            return declared;
        }

        var selected = new HashSet<Resource>();
        var pending = new Stack<Resource>(names.Select(name =>
            declared.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new AppHostException($"AppHost:Only names '{name}', which is not a resource: choose from {string.Join(", ", declared.Select(r => r.Name))}.")));
        while (pending.TryPop(out var resource))
        {
            if (selected.Add(resource))
            {
                foreach (var dependency in resource.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }

        return declared.Where(selected.Contains).ToArray();
    }

    /// <summary>Orders resources so each comes after everything it depends on; rejects cycles and strangers.</summary>
    public static IReadOnlyList<Resource> Order(IReadOnlyList<Resource> resources)
    {
        var ordered = new List<Resource>();
        var visiting = new HashSet<Resource>();
        var done = new HashSet<Resource>();

        void Visit(Resource resource, Resource? dependent)
        {
            if (!resources.Contains(resource))
            {
                throw new AppHostException($"{dependent?.Name} depends on {resource.Name}, which was not added to this application.");
            }

            if (done.Contains(resource))
            {
                return;
            }

            if (!visiting.Add(resource))
            {
                throw new AppHostException($"{resource.Name} depends on itself through {dependent?.Name}: remove a WaitFor or WithReference to break the cycle.");
            }

            foreach (var dependency in resource.Dependencies)
            {
                Visit(dependency, resource);
            }

            visiting.Remove(resource);
            done.Add(resource);
            ordered.Add(resource);
        }

        foreach (var resource in resources)
        {
            Visit(resource, null);
        }

        return ordered;
    }
}
