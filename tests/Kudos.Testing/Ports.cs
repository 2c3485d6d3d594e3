using System.Net;
using System.Net.Sockets;

namespace Kudos.Testing;

/// <summary>Loopback ports for the servers a test starts.</summary>
public static class Ports
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// A port nothing listens on right now, chosen at random <em>below</em> the kernel's ephemeral range
    /// (<c>net.ipv4.ip_local_port_range</c>). A port the OS hands out for <c>bind(0)</c> lies inside that range, where
    /// any process's next outgoing connection may take it as its local port before our server binds it (seen in CI:
    /// <c>./run.sh</c>'s API failed with "Address already in use" on a port a silo's client connection had taken).
    /// Ports handed out by this process are never handed out twice; parallel test processes pick at random and a clash
    /// shows up as a bind failure of a port <see cref="IsFree"/> just confirmed, which is rare.
    /// </summary>
    public static int Free()
    {
        var ceiling = EphemeralRangeStart();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Lowest, ceiling);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port between {Lowest} and {ceiling} after 200 tries.");
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

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range)
            && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            && start > Lowest + 1_000)
        {
            return start;
        }

        return 32_768;
    }
}
