using Platform.SystemTests;

// One platform for the assembly; the tests run one at a time because the readiness test stops and starts its servers.
[assembly: AssemblyFixture(typeof(SystemFixture))]
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]
