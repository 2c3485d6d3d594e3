// The browser keeps what only this browser should know: the keys of the cards written here.

export interface OwnCard {
    cardId: string;
    cardKey: string;
}

const cardsKey = (boardId: string) => `kudos.cards.${boardId.replaceAll("-", "").toLowerCase()}`;

function read<T>(key: string, fallback: T): T {
    try {
        const raw = window.localStorage.getItem(key);
        return raw === null ? fallback : (JSON.parse(raw) as T);
    } catch {
        return fallback;
    }
}

function write(key: string, value: unknown): void {
    try {
        window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
        // Storage full or disabled (private mode): the card is still saved on the server, only editing here is lost.
    }
}

export function ownCards(boardId: string): OwnCard[] {
    const cards = read<unknown>(cardsKey(boardId), []);
    return Array.isArray(cards)
        ? cards.filter((c): c is OwnCard => typeof c?.cardId === "string" && typeof c?.cardKey === "string")
        : [];
}

// A card id may arrive with or without dashes (a receipt link, the API): the same card either way.
const sameCard = (a: string, b: string) => a.replaceAll("-", "").toLowerCase() === b.replaceAll("-", "").toLowerCase();

export function rememberCard(boardId: string, card: OwnCard): void {
    write(cardsKey(boardId), [...ownCards(boardId).filter(c => !sameCard(c.cardId, card.cardId)), card]);
}

export function forgetCard(boardId: string, cardId: string): void {
    write(cardsKey(boardId), ownCards(boardId).filter(c => !sameCard(c.cardId, cardId)));
}

export function lastAuthorName(): string {
    return read<string>("kudos.authorName", "");
}

export function rememberAuthorName(name: string): void {
    write("kudos.authorName", name);
}

// The owner credential (issued when the owner confirmed their address) opens every board of that address; the board
// keys of boards created here let the confirmation page return to the full owner page (with the contribution link).
const credentialKey = (email: string) => `kudos.owner.${email.trim().toLowerCase()}`;
const boardKeysKey = (boardId: string) => `kudos.board.${boardId.replaceAll("-", "").toLowerCase()}`;

export interface BoardKeys {
    ownerKey: string;
    contributeKey: string;
}

export function ownerCredential(email: string): string | null {
    const value = read<unknown>(credentialKey(email), null);
    return typeof value === "string" && value.startsWith("oc_") ? value : null;
}

/** Every owner credential this browser keeps (one per confirmed address). */
export function ownerCredentials(): string[] {
    const found: string[] = [];
    try {
        for (let i = 0; i < window.localStorage.length; i++) {
            const key = window.localStorage.key(i);
            if (key?.startsWith("kudos.owner.")) {
                const value = read<unknown>(key, null);
                if (typeof value === "string" && value.startsWith("oc_")) {
                    found.push(value);
                }
            }
        }
    } catch {
        // Storage disabled: none kept.
    }
    return found;
}

export function rememberOwnerCredential(email: string, credential: string): void {
    write(credentialKey(email), credential);
}

export function forgetOwnerCredential(email: string): void {
    try {
        window.localStorage.removeItem(credentialKey(email));
    } catch {
        // Storage disabled: nothing was kept.
    }
}

export function boardKeys(boardId: string): BoardKeys | null {
    const keys = read<Partial<BoardKeys> | null>(boardKeysKey(boardId), null);
    return typeof keys?.ownerKey === "string" && typeof keys.contributeKey === "string"
        ? { ownerKey: keys.ownerKey, contributeKey: keys.contributeKey }
        : null;
}

export function rememberBoardKeys(boardId: string, keys: BoardKeys): void {
    write(boardKeysKey(boardId), keys);
}
