// The REST API as the pages use it. Keys travel only as Authorization headers, read from the page's URL fragment
// (never a query string: fragments are not sent to servers, proxies or logs).

/** An RFC 9457 problem from the API, or a network failure turned into one. */
export class ApiError extends Error {
    readonly status: number;
    readonly code: string | undefined;
    readonly errors: Record<string, string[]>;

    constructor(status: number, detail: string, code?: string, errors?: Record<string, string[]>) {
        super(detail);
        this.status = status;
        this.code = code;
        this.errors = errors ?? {};
    }
}

export type BoardStatus = "Draft" | "Scheduled" | "Delivered" | "Cancelled";
export type DispatchStatus = "Pending" | "Sending" | "Sent" | "Failed" | "Cancelled" | "Suppressed" | "Held" | "Delivered" | "Bounced" | "Complained";

export interface BoardCreated {
    id: string;
    ownerKey: string;
    contributeKey: string;
    status: BoardStatus;
    deliverAt: string | null;
}

export interface Delivery {
    dispatchId?: string;
    status: DispatchStatus;
    attempts: number;
    lastError: string | null;
    serverReply: string | null;
    sentAt: string | null;
    nextAttemptAt?: string | null;
    recipientUrl: string | null;
}

/** A card as the owner sees it while sealed: who and when, never the text. */
export interface CardListing {
    id: string;
    authorName: string;
    createdAt: string;
}

/** A contributor invited by email (servers that send invitations). */
export interface Invitee {
    email: string;
    invitedAt: string;
    hasPosted: boolean;
    remindedAt: string | null;
}

export interface OwnerView {
    id: string;
    title: string;
    recipientName: string;
    recipientEmail: string;
    ownerName: string;
    ownerEmail: string;
    status: BoardStatus;
    deliverAt: string | null;
    timeZone: string;
    cardCount: number;
    contributorNames: string[];
    /** Present on servers that list cards for moderation; older ones send names only. */
    cards?: CardListing[] | null;
    /** Present on servers that email invitations. */
    invitees?: Invitee[] | null;
    createdAt: string;
    deliveredAt: string | null;
    delivery: Delivery | null;
}

export interface Summary {
    id: string;
    title: string;
    recipientName: string;
    status: BoardStatus;
    deliverAt: string | null;
    timeZone: string;
    cardCount: number;
}

export interface CardCreated {
    cardId: string;
    cardKey: string;
}

export interface Card {
    id: string;
    authorName: string;
    message: string;
    createdAt: string;
    editedAt: string | null;
}

export interface NewBoard {
    title: string;
    recipientName: string;
    recipientEmail: string;
    ownerName: string;
    ownerEmail: string;
    deliverAt: string | null;
    timeZone: string;
    contributorEmails: string[];
}

/** Reads `k` (and other names) from the fragment: `#k=KEY&c=KEY`. */
export function fragmentValue(name: string): string | null {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const value = params.get(name);
    return value !== null && value.length > 0 ? value : null;
}

/** The board id from a page path such as `/o/{id}`, `/c/{id}` or `/b/{id}`. */
export function boardIdFromPath(): string | null {
    const match = /^\/[obc]\/([0-9a-fA-F-]{32,36})\/?$/.exec(window.location.pathname);
    return match ? match[1] : null;
}

async function call<T>(method: string, path: string, key: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (key !== null) {
        headers["Authorization"] = `Bearer ${key}`;
    }
    if (body !== undefined) {
        headers["Content-Type"] = "application/json";
    }

    let response: Response;
    try {
        response = await fetch(path, {
            method,
            headers,
            body: body === undefined ? null : JSON.stringify(body),
            cache: "no-store",
            credentials: "omit",
            referrerPolicy: "no-referrer",
        });
    } catch {
        throw new ApiError(0, "The server could not be reached. Check your connection and try again.", "network");
    }

    if (response.status === 204) {
        return undefined as T;
    }

    const text = await response.text();
    let json: unknown = null;
    try {
        json = text.length > 0 ? JSON.parse(text) : null;
    } catch {
        json = null;
    }

    if (response.ok) {
        return json as T;
    }

    throw toError(response.status, json);
}

function toError(status: number, json: unknown): ApiError {
    const problem = (json ?? {}) as { detail?: unknown; title?: unknown; code?: unknown; errors?: unknown };
    const detail = typeof problem.detail === "string" && problem.detail.length > 0
        ? problem.detail
        : typeof problem.title === "string" ? problem.title : `The server answered ${status}.`;
    const code = typeof problem.code === "string" ? problem.code : undefined;
    const errors: Record<string, string[]> = {};
    if (problem.errors !== null && typeof problem.errors === "object") {
        for (const [field, messages] of Object.entries(problem.errors as Record<string, unknown>)) {
            errors[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
        }
    }
    return new ApiError(status, detail, code, errors);
}

const boards = "/api/boards";

export const api = {
    createBoard: (board: NewBoard) => call<BoardCreated>("POST", boards, null, board),
    ownerView: (id: string, ownerKey: string) => call<OwnerView>("GET", `${boards}/${id}`, ownerKey),
    reschedule: (id: string, ownerKey: string, deliverAt: string, timeZone: string) =>
        call<OwnerView>("PATCH", `${boards}/${id}`, ownerKey, { deliverAt, timeZone }),
    deliverNow: (id: string, ownerKey: string) => call<OwnerView>("POST", `${boards}/${id}/deliver`, ownerKey),
    cancel: (id: string, ownerKey: string) => call<void>("DELETE", `${boards}/${id}`, ownerKey),
    summary: (id: string, contributeKey: string) => call<Summary>("GET", `${boards}/${id}/summary`, contributeKey),
    addCard: (id: string, contributeKey: string, authorName: string, message: string, inviteToken: string | null) =>
        call<CardCreated>("POST", `${boards}/${id}/cards`, contributeKey, inviteToken === null ? { authorName, message } : { authorName, message, inviteToken }),
    card: (id: string, cardId: string, cardKey: string) => call<Card>("GET", `${boards}/${id}/cards/${cardId}`, cardKey),
    editCard: (id: string, cardId: string, cardKey: string, message: string) =>
        call<Card>("PUT", `${boards}/${id}/cards/${cardId}`, cardKey, { message }),
    removeCard: (id: string, cardId: string, key: string) => call<void>("DELETE", `${boards}/${id}/cards/${cardId}`, key),
    cards: (id: string, key: string) => call<Card[]>("GET", `${boards}/${id}/cards`, key),
};
