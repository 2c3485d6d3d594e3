// Times: the API takes an instant with an offset plus an IANA zone; people think in a wall-clock time in a zone.

/** The browser's own IANA zone, e.g. "Europe/Paris". */
export function browserZone(): string {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every zone the browser knows, with the browser's own and UTC always present. */
export function allZones(): string[] {
    const zones = new Set<string>(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);
    zones.add("UTC");
    zones.add(browserZone());
    return [...zones].sort((a, b) => a.localeCompare(b));
}

/** Fills a <select> with every zone, selecting `selected`. */
export function fillZoneSelect(select: HTMLSelectElement, selected: string): void {
    const options = allZones().map(zone => {
        const option = document.createElement("option");
        option.value = zone;
        option.textContent = zone.replaceAll("_", " ");
        return option;
    });
    select.replaceChildren(...options);
    select.value = allZones().includes(selected) ? selected : "UTC";
}

interface Wall {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
}

function wallIn(zone: string, epochMs: number): Wall {
    const parts = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
    }).formatToParts(new Date(epochMs));
    const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find(p => p.type === type)?.value ?? "0");
    return { year: part("year"), month: part("month"), day: part("day"), hour: part("hour"), minute: part("minute"), second: part("second") };
}

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(zone: string, epochMs: number): number {
    const wall = wallIn(zone, epochMs);
    const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
    return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
}

function pad(n: number, width = 2): string {
    return String(Math.abs(n)).padStart(width, "0");
}

function offsetText(minutes: number): string {
    const sign = minutes < 0 ? "-" : "+";
    return `${sign}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * Turns a wall-clock date ("2026-12-24") and time ("18:00") in `zone` into ISO 8601 with that zone's offset,
 * e.g. "2026-12-24T18:00:00+01:00". A time skipped by a daylight-saving jump moves forward, as clocks do.
 */
export function wallToIso(date: string, time: string, zone: string): string | null {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const t = /^(\d{2}):(\d{2})/.exec(time);
    if (d === null || t === null) {
        return null;
    }
    const guess = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
    let instant = guess - offsetMinutes(zone, guess) * 60000;
    const second = offsetMinutes(zone, instant);
    instant = guess - second * 60000;
    const wall = wallIn(zone, instant);
    const offset = offsetMinutes(zone, instant);
    return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:00${offsetText(offset)}`;
}

/** The wall-clock date and time of an instant in a zone, for prefilling date and time inputs. */
export function isoToWall(iso: string, zone: string): { date: string; time: string } {
    const wall = wallIn(zone, Date.parse(iso));
    return { date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`, time: `${pad(wall.hour)}:${pad(wall.minute)}` };
}

/** "Thursday, 24 December 2026 at 18:00 (Europe/Paris)", in the reader's language. */
export function formatInZone(iso: string, zone: string): string {
    try {
        const text = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short", timeZone: zone }).format(new Date(iso));
        return `${text} (${zone.replaceAll("_", " ")})`;
    } catch {
        return new Date(iso).toUTCString();
    }
}

/** The same instant in the reader's own zone, when that differs from the board's; otherwise null. */
export function formatLocalIfDifferent(iso: string, zone: string): string | null {
    const local = browserZone();
    if (local === zone || offsetMinutes(local, Date.parse(iso)) === offsetMinutes(zone, Date.parse(iso))) {
        return null;
    }
    return formatInZone(iso, local);
}

/** A short date and time in the reader's zone, for card footers. */
export function formatShort(iso: string): string {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** "3 days 04:05:06" until an instant, or null once it has passed. */
export function countdown(iso: string, now = Date.now()): string | null {
    let seconds = Math.floor((Date.parse(iso) - now) / 1000);
    if (seconds <= 0) {
        return null;
    }
    const days = Math.floor(seconds / 86400);
    seconds -= days * 86400;
    const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
    return days > 0 ? `${days} day${days === 1 ? "" : "s"} ${clock}` : clock;
}

/** Today plus `days`, as the value of an <input type=date> in a zone. */
export function dateInZone(zone: string, days = 0): string {
    return isoToWall(new Date(Date.now() + days * 86400000).toISOString(), zone).date;
}

/** "24 December 2026", in the reader's language and zone: for things that happened (thanks sent, a card written). */
export function formatDay(iso: string): string {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "long" }).format(new Date(iso));
}

/** "24 December 2026 at 18:00", in the reader's language and zone. */
export function formatWhen(iso: string): string {
    return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" }).format(new Date(iso));
}
