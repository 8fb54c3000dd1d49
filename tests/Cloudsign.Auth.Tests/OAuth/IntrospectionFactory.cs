using System.Security.Cryptography;
using System.Text;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>The service with one introspection client configured, as an operator would, by its secret's hash.</summary>
public sealed class IntrospectionFactory : CloudsignFactory
{
    public const string ClientId = "billing-api";

    public IntrospectionFactory()
    {
        ClientSecret = SecretLedger.Register(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        With("Introspection:Clients:0:ClientId", ClientId);
        With("Introspection:Clients:0:SecretHash", Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ClientSecret))));
    }

    public string ClientSecret { get; }
}
