// The recipient's page, /b/{id}#k={recipientKey} (the link in the delivery email): every card once the board is
// delivered, a sealed notice before. Opening it only reads, so a mail scanner's prefetch changes nothing; reacting and
// thanking are button presses.
//
// The first opening is a small moment: a cover with the title and "Open", then the cards come in one after another.
// It is remembered per board in this browser, so a second visit goes straight to the cards; with reduced motion asked
// for, there is no cover and no animation.
import { api, ApiError, boardIdFromPath, fragmentValue, type Card, type Summary, type Thanks } from "./lib/api.js";
import { cardWall, loadAllPictures, type CardOptions } from "./lib/cards.js";
import { busy, byId, characterCounter, clearErrors, describe, fieldError, fill, notice, setText, show, showProblem } from "./lib/dom.js";
import { browserZone, formatDay, formatInZone } from "./lib/time.js";
import { count, names } from "./lib/words.js";

const boardId = boardIdFromPath();
const key = fragmentValue("k");
const maxThanks = 2000;

const revealedKey = (id: string) => `kudos.revealed.${id.replaceAll("-", "").toLowerCase()}`;

function reducedMotion(): boolean {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function alreadyRevealed(id: string): boolean {
    try {
        return window.localStorage.getItem(revealedKey(id)) === "1";
    } catch {
        return false;
    }
}

function rememberRevealed(id: string): void {
    try {
        window.localStorage.setItem(revealedKey(id), "1");
    } catch {
        // Storage disabled: the cover shows again next time, nothing worse.
    }
}

/** The API says "sealed until 2026-12-24T17:00:00.0000000+00:00; …": show that instant in the reader's zone. */
function sealedUntil(detail: string): string | null {
    const match = /until (\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))/.exec(detail);
    return match && !Number.isNaN(Date.parse(match[1])) ? formatInZone(match[1], browserZone()) : null;
}

function fromLine(cards: Card[]): string {
    return cards.length === 0
        ? "No cards were written on this board."
        : `${count(cards.length, "card", "cards")} from ${names(cards.map(c => c.authorName))}`;
}

function renderHead(summary: Summary | null, cards: Card[]): void {
    if (summary !== null) {
        setText("board-title", summary.title);
        document.title = `Kudos · ${summary.title}`;
        setText("eyebrow", summary.viewer === "Recipient" ? "Kudos for you" : `Kudos for ${summary.recipientName}`);
    }
    setText("from", fromLine(cards));
}

function renderNote(summary: Summary | null): void {
    const note = summary?.noteToRecipient?.trim() ?? "";
    show(byId("note"), note.length > 0);
    if (note.length > 0 && summary !== null) {
        setText("note-text", note);
        setText("note-by", `— ${summary.ownerName}`);
    }
}

function cardOptions(summary: Summary | null, id: string, readerKey: string): (card: Card) => CardOptions {
    const canReact = summary !== null && summary.viewer !== "Contributor";
    return card => ({
        showTime: false,
        pictures: { boardId: id, key: readerKey },
        reactions: {
            canReact,
            toggle: async (reaction, on) => {
                try {
                    return await api.react(id, card.id, readerKey, reaction, on);
                } catch (error) {
                    notice(describe(error), "error");
                    throw error;
                }
            },
        },
    });
}

function renderCards(summary: Summary | null, cards: Card[], id: string, readerKey: string): void {
    const container = byId("cards");
    if (cards.length === 0) {
        fill(container);
        return;
    }
    fill(container, cardWall(cards, cardOptions(summary, id, readerKey)));
}

function renderThanks(summary: Summary | null, id: string, readerKey: string): void {
    const panel = byId("thanks");
    if (summary === null || summary.status !== "Delivered") {
        show(panel, false);
        return;
    }
    const thanks = summary.thanks ?? null;
    const isRecipient = summary.viewer === "Recipient";
    show(panel, isRecipient || thanks !== null);
    if (thanks !== null) {
        showSentThanks(summary, thanks);
        return;
    }
    if (!isRecipient) {
        return;
    }

    setText("thanks-heading", "Say thank you");
    setText("thanks-hint", `Your note goes by email to ${summary.ownerName}, who made this board, and to everyone who wrote a card and left their address. You can send it once.`);
    show(byId("thanks-form"), true);
    show(byId("thanks-sent"), false);
    const form = byId<HTMLFormElement>("thanks-form");
    if (form.dataset["wired"] === "true") {
        return;
    }
    form.dataset["wired"] = "true";
    const message = byId<HTMLTextAreaElement>("thanks-message");
    characterCounter(message, byId("thanks-count"), maxThanks);
    form.addEventListener("submit", async event => {
        event.preventDefault();
        clearErrors(form);
        if (message.value.trim() === "") {
            fieldError(form, "message", "Write a few words first.");
            message.focus();
            return;
        }
        await busy(form, async () => {
            try {
                const sent = await api.sendThanks(id, readerKey, message.value.trim());
                showSentThanks(summary, sent);
                notice(sent.recipients > 0
                    ? `Your thanks are on their way to ${count(sent.recipients, "person", "people")}.`
                    : "Your thanks were sent.", "success");
                byId("thanks-heading").focus();
            } catch (error) {
                if (error instanceof ApiError && error.code === "thanks_already_sent") {
                    // Sent from another tab or device meanwhile: show what was sent.
                    const fresh = await api.summary(id, readerKey).catch(() => null);
                    if (fresh?.thanks) {
                        showSentThanks(fresh, fresh.thanks);
                        return;
                    }
                }
                showProblem(form, error);
            }
        });
    });
}

function showSentThanks(summary: Summary, thanks: Thanks): void {
    show(byId("thanks"), true);
    show(byId("thanks-form"), false);
    show(byId("thanks-sent"), true);
    const isRecipient = summary.viewer === "Recipient";
    setText("thanks-heading", isRecipient ? "Your thanks" : `A thank-you from ${summary.recipientName}`);
    setText("thanks-when", isRecipient
        ? `You sent your thanks on ${formatDay(thanks.sentAt)}.`
        : `${summary.recipientName} wrote on ${formatDay(thanks.sentAt)}:`);
    setText("thanks-text", thanks.message);
}

/** The cover: title, who it is for, and "Open". The cards are already in the page behind it (hidden). */
function showReveal(summary: Summary, cards: Card[], id: string): void {
    setText("reveal-eyebrow", summary.viewer === "Recipient" ? "For you" : `For ${summary.recipientName}`);
    setText("reveal-title", summary.title);
    const hasNote = (summary.noteToRecipient?.trim() ?? "") !== "";
    setText("reveal-from", cards.length > 0
        ? `${count(cards.length, "card is", "cards are")} waiting inside.`
        : hasNote ? `A note from ${summary.ownerName} is waiting inside.` : `From ${summary.ownerName}.`);
    const reveal = byId("reveal");
    show(reveal, true);
    show(byId("board"), false);
    const open = byId<HTMLButtonElement>("reveal-open");
    open.focus();
    open.addEventListener("click", () => {
        rememberRevealed(id);
        open.disabled = true;
        reveal.classList.add("opening");
        let done = false;
        const finish = () => {
            if (done) {
                return;
            }
            done = true;
            show(reveal, false);
            byId("cards").classList.add("entering");
            show(byId("board"), true);
            byId("board-title").focus();
        };
        // The envelope's own exit ends the sequence (its parts' animations bubble here too: ignore those).
        const envelope = byId("envelope");
        envelope.addEventListener("animationend", event => {
            if (event.target === envelope) {
                finish();
            }
        });
        // The animation may not run at all (a background tab, a setting changed meanwhile): never leave the cover up.
        window.setTimeout(finish, 1200);
    }, { once: true });
}

async function load(): Promise<void> {
    if (boardId === null || key === null) {
        show(byId("loading"), false);
        notice("This address is incomplete: open the link from your email exactly as you received it (it ends with #k=…).", "error");
        return;
    }
    const summaryRead = api.summary(boardId, key).catch(() => null);
    try {
        const [cards, summary] = await Promise.all([api.cards(boardId, key), summaryRead]);
        renderHead(summary, cards);
        renderNote(summary);
        renderCards(summary, cards, boardId, key);
        renderThanks(summary, boardId, key);
        show(byId("loading"), false);
        if (summary !== null && !alreadyRevealed(boardId) && !reducedMotion()) {
            showReveal(summary, cards, boardId);
        } else {
            if (summary !== null) {
                rememberRevealed(boardId);
            }
            show(byId("board"), true);
        }
    } catch (error) {
        show(byId("loading"), false);
        if (error instanceof ApiError && error.status === 403) {
            setText("sealed-when", opensWhen(await summaryRead, error.message));
            show(byId("sealed"), true);
            return;
        }
        notice(describe(error), "error");
    }
}

/** When a sealed board opens, in the reader's zone: from the board's summary, else from the problem's words. */
function opensWhen(summary: Summary | null, detail: string): string {
    if (summary?.status === "Scheduled" && summary.deliverAt) {
        return `It opens ${formatInZone(summary.deliverAt, browserZone())}.`;
    }
    if (summary !== null) {
        return "It opens when its owner delivers it.";
    }
    const when = sealedUntil(detail);
    return when ? `It opens ${when}.` : "It opens at its delivery time.";
}

byId("print").addEventListener("click", async () => {
    const button = byId<HTMLButtonElement>("print");
    await busy(button, () => loadAllPictures());
    window.print();
});
// Ctrl+P: start every picture still waiting for its turn (those already loaded print for sure).
window.addEventListener("beforeprint", () => void loadAllPictures());

void load();
