namespace SocialMedia.AppHost.LocalInfra;

/// <summary>
/// Something the developer has to fix on the machine (a missing program, say). Program.cs prints
/// the message as one line and exits, instead of a stack trace.
/// </summary>
public sealed class LocalInfraException(string message) : Exception(message);
