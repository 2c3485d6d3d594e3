// The recipient's page, /b/{id}#k={recipientKey} (the link in the delivery email): every card once the board is
// delivered, a sealed notice before. Opening it only reads, so a mail scanner's prefetch changes nothing.
import { api, ApiError, boardIdFromPath, fragmentValue } from "./lib/api.js";
import { cardGrid } from "./lib/cards.js";
import { byId, describe, fill, notice, setText, show } from "./lib/dom.js";
import { browserZone, formatInZone } from "./lib/time.js";

const boardId = boardIdFromPath();
const key = fragmentValue("k");

function authors(names: string[]): string {
    const unique = [...new Set(names)];
    if (unique.length <= 1) {
        return unique.join("");
    }
    return `${unique.slice(0, -1).join(", ")} and ${unique[unique.length - 1]}`;
}

/** The API says "sealed until 2026-12-24T17:00:00.0000000+00:00; …": show that instant in the reader's zone. */
function sealedUntil(detail: string): string | null {
    const match = /until (\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))/.exec(detail);
    return match && !Number.isNaN(Date.parse(match[1])) ? formatInZone(match[1], browserZone()) : null;
}

async function load(): Promise<void> {
    if (boardId === null || key === null) {
        show(byId("loading"), false);
        notice("This address is incomplete: open the link from your email exactly as you received it (it ends with #k=…).", "error");
        return;
    }
    try {
        const [cards, summary] = await Promise.all([api.cards(boardId, key), api.summary(boardId, key).catch(() => null)]);
        if (summary !== null) {
            setText("board-title", summary.title);
            document.title = `Kudos · ${summary.title}`;
        }
        show(byId("loading"), false);
        setText("from", cards.length === 0 ? "No cards were written on this board." : `${cards.length === 1 ? "One card" : `${cards.length} cards`} from ${authors(cards.map(c => c.authorName))}`);
        fill(byId("cards"), cardGrid(cards));
        show(byId("board"), true);
    } catch (error) {
        show(byId("loading"), false);
        if (error instanceof ApiError && error.status === 403) {
            const when = sealedUntil(error.message);
            setText("sealed-when", when ? `It opens ${when}.` : "It opens at its delivery time.");
            show(byId("sealed"), true);
            return;
        }
        notice(describe(error), "error");
    }
}

void load();
