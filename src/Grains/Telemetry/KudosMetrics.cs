using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kudos.Grains.Telemetry;

/// <summary>
/// The product's own instruments: the meter and the activity source named <c>Kudos</c>, exported by the silo's
/// OpenTelemetry pipeline (OTLP when configured, Prometheus at <c>/metrics</c>) next to Orleans' <c>Microsoft.Orleans</c>
/// meter. Names follow the OpenTelemetry conventions (dotted, lower case, unit in <c>unit</c>, not in the name);
/// Prometheus renders them as e.g. <c>kudos_email_send_duration_seconds</c>.
/// </summary>
/// <remarks>
/// Instruments are static (one per process) and cost a few nanoseconds when nothing listens. Tags are bounded sets:
/// never put a board id, an address or a dispatch id in a tag.
/// </remarks>
public static class KudosMetrics
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Kudos";

    /// <summary>Tag naming a dispatch outcome (<see cref="Outcomes"/>).</summary>
    public const string StatusTag = "status";

    /// <summary>Tag telling how a delivery was triggered: <c>reminder</c>, <c>now</c> (owner's deliver-now) or <c>reconcile</c> (found due on activation).</summary>
    public const string TriggerTag = "trigger";

    /// <summary>The product's meter.</summary>
    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Spans around the product's own work (delivering a board, sending an email); API and Orleans spans are their parents.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, "1.0");

    /// <summary><c>kudos.boards.scheduled</c> ({board}): a board got (or moved) its delivery reminder.</summary>
    public static readonly Counter<long> BoardsScheduled = Meter.CreateCounter<long>(
        "kudos.boards.scheduled", "{board}", "Boards given a delivery instant (created with one, or rescheduled).");

    /// <summary><c>kudos.deliveries</c> ({board}): a board unlocked and its email handed to the dispatch grain; tag <see cref="TriggerTag"/>.</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "kudos.deliveries", "{board}", "Boards unlocked and handed over to email dispatch.");

    /// <summary><c>kudos.dispatch.outcomes</c> ({attempt}): the result of each send attempt; tag <see cref="StatusTag"/>, one of <see cref="Outcomes"/>.</summary>
    public static readonly Counter<long> DispatchOutcomes = Meter.CreateCounter<long>(
        "kudos.dispatch.outcomes", "{attempt}", "Email send attempts by outcome.");

    /// <summary><c>kudos.email.send.duration</c> (s): time of one SMTP transaction (connect to QUIT); tag <see cref="StatusTag"/>.</summary>
    public static readonly Histogram<double> SendDuration = Meter.CreateHistogram(
        "kudos.email.send.duration", "s", "Duration of one SMTP send attempt.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>
    /// <c>kudos.delivery.lag</c> (s): how late a board unlocked behind its <c>deliverAt</c> (0 when on time; a crash or an
    /// outage shows here as detection time + one reminder period). Tag <see cref="TriggerTag"/>.
    /// </summary>
    public static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram(
        "kudos.delivery.lag", "s", "Delay between a board's deliverAt and its unlocking.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });

    /// <summary>The values of <see cref="StatusTag"/> on <see cref="DispatchOutcomes"/> and <see cref="SendDuration"/>.</summary>
    public static class Outcomes
    {
        /// <summary>The SMTP server accepted the message.</summary>
        public const string Sent = "sent";

        /// <summary>A transient failure; a retry is scheduled.</summary>
        public const string Retrying = "retrying";

        /// <summary>A permanent failure, or the last allowed attempt failed.</summary>
        public const string Failed = "failed";

        /// <summary>An attempt cut short (crash) whose result is unknown; it is retried.</summary>
        public const string Unknown = "unknown";
    }

    /// <summary>Counts one scheduled board.</summary>
    public static void BoardScheduled() => BoardsScheduled.Add(1);

    /// <summary>Counts one delivery and records its lag behind <paramref name="deliverAt"/> (never negative).</summary>
    public static void BoardDelivered(DateTimeOffset deliverAt, DateTimeOffset now, string trigger)
    {
        var tag = new KeyValuePair<string, object?>(TriggerTag, trigger);
        Deliveries.Add(1, tag);
        DeliveryLag.Record(Math.Max(0, (now - deliverAt).TotalSeconds), tag);
    }

    /// <summary>Counts one send attempt's outcome and records its duration.</summary>
    public static void SendCompleted(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>(StatusTag, outcome);
        DispatchOutcomes.Add(1, tag);
        SendDuration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Starts the span of one send attempt (null when nobody listens); the caller disposes it.</summary>
    public static Activity? StartSend(string dispatchId, int attempt)
    {
        var activity = ActivitySource.StartActivity("kudos.email.send", ActivityKind.Client);
        activity?.SetTag("kudos.dispatch.id", dispatchId);
        activity?.SetTag("kudos.dispatch.attempt", attempt);
        return activity;
    }

    /// <summary>Starts the span of a board's delivery (unlock + hand-off); the caller disposes it.</summary>
    public static Activity? StartDelivery(Guid boardId, string trigger)
    {
        var activity = ActivitySource.StartActivity("kudos.board.deliver", ActivityKind.Internal);
        activity?.SetTag("kudos.board.id", boardId);
        activity?.SetTag(TriggerTag, trigger);
        return activity;
    }
}
