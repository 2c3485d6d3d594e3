using System.Net;
using System.Net.Sockets;

namespace Kudos.Testing;

/// <summary>Loopback ports for the servers a test starts.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on right now (the OS picks it), so parallel runs never clash.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether <paramref name="port"/> can be listened on now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
