using System.Runtime.Versioning;

// The AppHost runs PostgreSQL and RabbitMQ the Linux way (service accounts, signals, /proc); so do its tests.
[assembly: SupportedOSPlatform("linux")]
