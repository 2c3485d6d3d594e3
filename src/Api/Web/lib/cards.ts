// How a card looks, wherever it is shown. Message and author are set as text: a card can never inject markup.
import { api, reactions, type Card, type CardImage, type ReactionCount, type ReactionName } from "./api.js";
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

/** Where a card's pictures come from: the board and a key that may read them (the card key, or a board key after delivery). */
export interface PictureSource {
    boardId: string;
    key: string;
    /** When set, each picture gets a remove button calling this. */
    remove?: (image: CardImage) => Promise<void>;
}

export interface ReactionOptions {
    /** The viewer may give reactions (buttons with aria-pressed); otherwise the counts alone are shown. */
    canReact: boolean;
    toggle?: (reaction: ReactionName, on: boolean) => Promise<ReactionCount[]>;
}

export interface CardOptions {
    /** When the card was written (or edited): the author's own view; the recipient's page shows no timestamps. */
    showTime?: boolean;
    actions?: HTMLElement[];
    pictures?: PictureSource | null;
    reactions?: ReactionOptions | null;
}

export function cardElement(card: Card, options: CardOptions = {}): HTMLElement {
    const showTime = options.showTime ?? true;
    const actions = options.actions ?? [];
    const images = Array.isArray(card.images) ? card.images : [];
    const footer = h("footer", {}, h("span", { class: "author" }, card.authorName));
    if (showTime) {
        const when = card.editedAt ? `edited ${formatShort(card.editedAt)}` : formatShort(card.createdAt);
        footer.append(h("time", { datetime: card.editedAt ?? card.createdAt }, when));
    }
    return h("article", { class: "card", "data-tint": tintOf(card.authorName), "data-card-id": card.id },
        images.length > 0 && options.pictures ? pictureList(card, images, options.pictures) : null,
        h("p", { class: "message" }, card.message),
        footer,
        options.reactions ? reactionBar(card, options.reactions) : null,
        actions.length > 0 ? h("div", { class: "card-actions" }, ...actions) : null);
}

/**
 * Every card, oldest first, in a masonry wall (CSS columns): a one-line card stays one line tall beside a long one.
 * Each card gets a `--i` index so an entrance animation can follow the reading order.
 */
export function cardWall(cards: Card[], options: (card: Card) => CardOptions): HTMLElement {
    const sorted = [...cards].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    // Few cards get a narrower wall, so two cards sit side by side in the middle instead of leaving empty columns.
    const wall = h("div", { class: "card-wall", "data-count": String(Math.min(sorted.length, 4)) });
    sorted.forEach((card, index) => {
        const element = cardElement(card, options(card));
        element.style.setProperty("--i", String(Math.min(index, 20)));
        wall.append(element);
    });
    return wall;
}

// Pictures -----------------------------------------------------------------------------------------------------------

// Object URLs per picture, kept for the page's life: a card drawn again (after an edit, a reaction) shows its pictures
// at once instead of fetching them again.
const loaded = new Map<string, Promise<string>>();
const pending = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

function pictureUrl(source: PictureSource, cardId: string, imageId: string): Promise<string> {
    let url = loaded.get(imageId);
    if (url === undefined) {
        url = api.image(source.boardId, cardId, imageId, source.key).then(blob => URL.createObjectURL(blob));
        url.catch(() => loaded.delete(imageId));
        loaded.set(imageId, url);
    }
    return url;
}

/** Fetches a picture once its place comes near the viewport (the bytes need the key header, so no plain `src`). */
function whenNear(element: Element, load: () => void): void {
    if (typeof IntersectionObserver !== "function") {
        load();
        return;
    }
    observer ??= new IntersectionObserver(entries => {
        for (const entry of entries) {
            if (entry.isIntersecting) {
                observer?.unobserve(entry.target);
                const start = pending.get(entry.target);
                pending.delete(entry.target);
                start?.();
            }
        }
    }, { rootMargin: "600px 0px" });
    pending.set(element, load);
    observer.observe(element);
}

/** Loads every picture not loaded yet (before printing: a keepsake needs them all); resolves when all have settled. */
export async function loadAllPictures(root: ParentNode = document): Promise<void> {
    const waiting: Promise<unknown>[] = [];
    for (const frame of root.querySelectorAll<HTMLElement>(".picture-frame")) {
        const start = pending.get(frame);
        if (start !== undefined) {
            observer?.unobserve(frame);
            pending.delete(frame);
            start();
        }
        const done = frame.dataset["imageId"] ? loaded.get(frame.dataset["imageId"]) : undefined;
        if (done !== undefined) {
            waiting.push(done.then(url => decodeIn(frame, url), () => undefined));
        }
    }
    await Promise.all(waiting);
}

async function decodeIn(frame: HTMLElement, url: string): Promise<void> {
    const img = frame.querySelector("img");
    if (img !== null && img.src === url) {
        await img.decode().catch(() => undefined);
    }
}

function pictureList(card: Card, images: CardImage[], source: PictureSource): HTMLElement {
    return h("div", { class: images.length > 1 ? "pictures two" : "pictures" },
        ...images.map((image, index) => pictureElement(card, image, index, images.length, source)));
}

function pictureElement(card: Card, image: CardImage, index: number, total: number, source: PictureSource): HTMLElement {
    const alt = total > 1 ? `Picture ${index + 1} of ${total} from ${card.authorName}` : `Picture from ${card.authorName}`;
    const frame = h("div", { class: "picture-frame", "data-image-id": image.id });
    if (image.width > 0 && image.height > 0) {
        // Reserves the picture's shape before its bytes arrive, so the wall does not jump (CSSOM: allowed by the CSP).
        frame.style.setProperty("aspect-ratio", `${image.width} / ${image.height}`);
    }
    const start = () => {
        frame.dataset["state"] = "loading";
        pictureUrl(source, card.id, image.id).then(url => {
            const img = h("img", { alt, width: String(image.width), height: String(image.height), decoding: "async" });
            img.addEventListener("load", () => (frame.dataset["state"] = "loaded"), { once: true });
            img.src = url;
            frame.replaceChildren(img);
        }, () => {
            frame.dataset["state"] = "failed";
            frame.replaceChildren(h("span", { class: "picture-failed" }, "This picture could not be loaded. Reload the page to try again."));
        });
    };
    whenNear(frame, start);

    const figure = h("figure", { class: "picture" }, frame);
    if (source.remove !== undefined) {
        const remove = source.remove;
        const button = h("button", { type: "button", class: "link danger-text", "aria-label": `Remove ${alt.charAt(0).toLowerCase()}${alt.slice(1)}` }, "Remove picture");
        button.addEventListener("click", async () => {
            button.disabled = true;
            try {
                await remove(image);
            } finally {
                button.disabled = false;
            }
        });
        figure.append(h("figcaption", {}, button));
    }
    return figure;
}

// Reactions ----------------------------------------------------------------------------------------------------------

function countOf(list: ReactionCount[], name: string): ReactionCount | undefined {
    return list.find(r => r.reaction === name);
}

function reactionBar(card: Card, options: ReactionOptions): HTMLElement | null {
    let current: ReactionCount[] = Array.isArray(card.reactions) ? card.reactions : [];
    const bar = h("div", { class: "reactions", role: "group", "aria-label": `Reactions to the card from ${card.authorName}` });

    const draw = () => {
        const items = reactions.flatMap(({ name, emoji, label }) => {
            const entry = countOf(current, name);
            const n = entry?.count ?? 0;
            if (!options.canReact) {
                return n > 0
                    ? [h("span", { class: "reaction", role: "img", "aria-label": `${label}: ${n}`, "data-reaction": name },
                        h("span", { class: "emoji", "aria-hidden": "true" }, emoji), h("span", { class: "n", "aria-hidden": "true" }, String(n)))]
                    : [];
            }
            const mine = entry?.mine === true;
            const button = h("button", {
                type: "button",
                class: "reaction",
                "aria-pressed": String(mine),
                "aria-label": n > 0 ? `${label} (${n})` : label,
                title: label,
                "data-reaction": name,
            }, h("span", { class: "emoji", "aria-hidden": "true" }, emoji), n > 0 ? h("span", { class: "n", "aria-hidden": "true" }, String(n)) : null);
            button.addEventListener("click", async () => {
                if (options.toggle === undefined) {
                    return;
                }
                for (const b of bar.querySelectorAll("button")) {
                    b.disabled = true;
                }
                try {
                    current = await options.toggle(name, !mine);
                    draw();
                    bar.querySelector<HTMLButtonElement>(`button[data-reaction="${name}"]`)?.focus();
                } catch {
                    for (const b of bar.querySelectorAll("button")) {
                        b.disabled = false;
                    }
                }
            });
            return [button];
        });
        bar.replaceChildren(...items);
        bar.hidden = items.length === 0;
    };
    draw();
    return bar;
}
