// How a card looks, wherever it is shown. Message and author are set as text: a card can never inject markup.
import type { Card } from "./api.js";
import { h } from "./dom.js";
import { formatShort } from "./time.js";

const tints = 6;

/** A stable tint per author, so a board reads like a wall of different notes. */
function tintOf(name: string): string {
    let hash = 0;
    for (const ch of name) {
        hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
    }
    return String(hash % tints);
}

export function cardElement(card: Card, ...actions: HTMLElement[]): HTMLElement {
    const when = card.editedAt ? `edited ${formatShort(card.editedAt)}` : formatShort(card.createdAt);
    return h("article", { class: "card", "data-tint": tintOf(card.authorName), "data-card-id": card.id },
        h("p", { class: "message" }, card.message),
        h("footer", {},
            h("span", { class: "author" }, card.authorName),
            h("time", { datetime: card.editedAt ?? card.createdAt }, when)),
        actions.length > 0 ? h("div", { class: "card-actions" }, ...actions) : null);
}

/** Every card, oldest first, in a responsive grid. */
export function cardGrid(cards: Card[]): HTMLElement {
    const sorted = [...cards].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    return h("div", { class: "card-grid" }, ...sorted.map(card => cardElement(card)));
}
