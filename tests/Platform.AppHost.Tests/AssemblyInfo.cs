using Xunit.Sdk;
using Xunit.v3;

// Each test boots its own AppHost (or several); run them one at a time so that each gets the machine's two cores.
[assembly: Parallelization(Mode = ParallelMode.None)]
