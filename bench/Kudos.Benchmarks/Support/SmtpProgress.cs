using System.Net;
using Kudos.Testing;

namespace Kudos.Benchmarks.Support;

/// <summary>
/// Waits until the SMTP server has accepted a number of messages by asking for the message with that id (ids count
/// from 1 on a fresh server). Cheap for the server, unlike the long-poll, which re-counts every message on each arrival.
/// </summary>
internal static class SmtpProgress
{
    public static async Task<bool> WaitForCountAsync(SmtpTestServer smtp, int count, DateTimeOffset deadline, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = smtp.HttpBaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            using (var response = await http.GetAsync($"api/messages/{count}", HttpCompletionOption.ResponseHeadersRead, ct))
            {
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    throw new InvalidOperationException($"SMTP server: GET api/messages/{count} answered {(int)response.StatusCode}");
                }
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
        }
    }
}
