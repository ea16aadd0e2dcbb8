using Platform.Testing;
using Xunit.Sdk;
using Xunit.v3;

// One PostgreSQL and one RabbitMQ for the whole run. Tests run one at a time because one of them stops the broker,
// which would fail whatever else was publishing at that moment.
[assembly: AssemblyFixture(typeof(MessagingFixture))]
[assembly: Parallelization(Mode = ParallelMode.None)]
