// The contributor's page, /c/{id}#k={contributeKey}: what the board is, a form to write a sealed card, and the
// cards written from this browser (their keys live in localStorage), editable until delivery.
import { api, ApiError, boardIdFromPath, fragmentValue, type Card, type Summary } from "./lib/api.js";
import { cardElement, cardGrid } from "./lib/cards.js";
import { busy, byId, clearErrors, confirmAction, describe, fieldError, fill, h, notice, setText, show, showProblem, valueOf } from "./lib/dom.js";
import { forgetCard, lastAuthorName, ownCards, rememberAuthorName, rememberCard } from "./lib/storage.js";
import { countdown, formatInZone, formatLocalIfDifferent } from "./lib/time.js";

const boardId = boardIdFromPath();
const contributeKey = fragmentValue("k");
// A personal invitation link also carries `i`: the server then knows which invitee has written.
const inviteToken = fragmentValue("i");
const maxMessage = 4000;

let summary: Summary | null = null;

function postingOpen(s: Summary): boolean {
    return s.status === "Draft" || (s.status === "Scheduled" && (s.deliverAt === null || Date.parse(s.deliverAt) > Date.now()));
}

function renderSummary(s: Summary): void {
    summary = s;
    document.title = `Kudos · ${s.title}`;
    setText("recipient", s.recipientName);
    setText("title", s.title);
    setText("sealed-recipient", s.recipientName);
    const when = byId("when");
    if (s.status === "Delivered") {
        fill(when, `Delivered to ${s.recipientName}`);
    } else if (s.deliverAt) {
        const local = formatLocalIfDifferent(s.deliverAt, s.timeZone);
        fill(when, `${s.status === "Cancelled" ? "Was due" : "To be delivered"} ${formatInZone(s.deliverAt, s.timeZone)}`,
            local ? h("span", { class: "local-time" }, `Your time: ${local}`) : null);
    } else {
        fill(when, "The delivery time is not set yet.");
    }
    setText("sealed-when", s.deliverAt ? formatInZone(s.deliverAt, s.timeZone) : "a day the owner picks");
    const cards = s.cardCount === 1 ? "1 card" : `${s.cardCount} cards`;
    setText("card-count", s.status === "Delivered" ? cards : `${cards} so far`);
    tick();

    const open = postingOpen(s);
    show(byId("write"), open);
    show(byId("sealed"), s.status !== "Delivered" && s.status !== "Cancelled");
    const closed = byId("closed");
    if (s.status === "Cancelled") {
        closed.textContent = "The owner cancelled this board: it will not be delivered, and cards can no longer be added.";
    } else if (s.status === "Delivered") {
        closed.textContent = `The board was delivered to ${s.recipientName}. Here is every card.`;
    } else if (s.status === "AwaitingOwnerConfirmation") {
        closed.textContent = "The delivery time has come: cards can no longer be added or changed. The board is delivered as soon as its owner confirms their email address.";
    } else if (!open) {
        closed.textContent = "The delivery time has come: cards can no longer be added or changed.";
    }
    show(closed, !open);
}

function tick(): void {
    const element = byId("countdown");
    const left = summary?.status === "Scheduled" && summary.deliverAt ? countdown(summary.deliverAt) : null;
    show(element, left !== null);
    if (left !== null) {
        element.textContent = `Posting closes in ${left}`;
    }
}

/** The cards written from this browser, read back with their own keys. */
async function renderOwnCards(): Promise<void> {
    if (boardId === null) {
        return;
    }
    const mine = ownCards(boardId);
    const list = byId("own-cards");
    const elements: HTMLElement[] = [];
    for (const own of mine) {
        try {
            const card = await api.card(boardId, own.cardId, own.cardKey);
            elements.push(ownCardElement(card, own.cardKey));
        } catch (error) {
            if (error instanceof ApiError && error.status === 404) {
                forgetCard(boardId, own.cardId);
                notice("A card you wrote earlier is gone: it was deleted (by you or by the board's owner).", "info");
            } else {
                notice(describe(error), "error");
            }
        }
    }
    fill(list, ...elements);
    show(byId("own"), elements.length > 0 && summary?.status !== "Delivered");
    setText("write-heading", elements.length > 0 ? "Write another card" : "Write your card");
}

function ownCardElement(card: Card, cardKey: string): HTMLElement {
    const editable = summary !== null && postingOpen(summary);
    if (!editable) {
        return cardElement(card);
    }
    const edit = h("button", { type: "button", class: "link", "aria-label": "Edit your card" }, "Edit");
    const remove = h("button", { type: "button", class: "link danger-text", "aria-label": "Delete your card" }, "Delete");
    const element = cardElement(card, edit, remove);
    edit.addEventListener("click", () => element.replaceWith(editForm(card, cardKey)));
    remove.addEventListener("click", async () => {
        if (boardId === null || !(await confirmAction("Delete your card?", "It will be gone for good; the recipient will never see it.", "Delete the card"))) {
            return;
        }
        await busy(element, async () => {
            try {
                await api.removeCard(boardId, card.id, cardKey);
                forgetCard(boardId, card.id);
                notice("Your card was deleted.", "success");
                await refresh();
            } catch (error) {
                notice(describe(error), "error");
            }
        });
    });
    return element;
}

function editForm(card: Card, cardKey: string): HTMLElement {
    const id = `edit-${card.id}`;
    const textarea = h("textarea", { id, name: "message", rows: "6", maxlength: String(maxMessage), required: "" });
    textarea.value = card.message;
    const save = h("button", { type: "submit", class: "primary" }, "Save changes");
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h("form", { class: "card editing", novalidate: "", "aria-label": "Edit your card" },
        h("p", { class: "form-alert", role: "alert", hidden: "" }),
        h("label", { for: id }, "Your message"),
        textarea,
        h("p", { class: "field-error", id: `${id}-error`, "data-error-for": "message", hidden: "" }),
        h("div", { class: "actions" }, cancel, save));
    cancel.addEventListener("click", () => void renderOwnCards());
    form.addEventListener("submit", async event => {
        event.preventDefault();
        clearErrors(form);
        if (boardId === null) {
            return;
        }
        if (textarea.value.trim() === "") {
            fieldError(form, "message", "Write something, or delete the card instead.");
            return;
        }
        await busy(form, async () => {
            try {
                await api.editCard(boardId, card.id, cardKey, textarea.value);
                notice("Your card was updated. It stays sealed until delivery.", "success");
                await renderOwnCards();
            } catch (error) {
                showProblem(form, error);
            }
        });
    });
    window.setTimeout(() => textarea.focus(), 0);
    return form;
}

/** After delivery a contributor may read the whole board. */
async function renderDelivered(): Promise<void> {
    if (boardId === null || contributeKey === null || summary?.status !== "Delivered") {
        show(byId("all"), false);
        return;
    }
    try {
        const cards = await api.cards(boardId, contributeKey);
        fill(byId("all-cards"), cards.length > 0 ? cardGrid(cards) : h("p", { class: "empty" }, "No cards were written."));
        show(byId("all"), true);
    } catch (error) {
        notice(describe(error), "error");
    }
}

async function refresh(): Promise<void> {
    if (boardId === null || contributeKey === null) {
        return;
    }
    try {
        renderSummary(await api.summary(boardId, contributeKey));
        show(byId("loading"), false);
        show(byId("board"), true);
    } catch (error) {
        show(byId("loading"), false);
        notice(describe(error), "error");
        return;
    }
    await Promise.all([renderOwnCards(), renderDelivered()]);
}

function wire(): void {
    const form = byId<HTMLFormElement>("card-form");
    const author = byId<HTMLInputElement>("authorName");
    const message = byId<HTMLTextAreaElement>("message");
    const counter = byId("message-count");
    author.value = lastAuthorName();
    const count = () => {
        const left = maxMessage - message.value.length;
        counter.textContent = `${left} characters left`;
        counter.dataset["low"] = String(left < 200);
    };
    message.addEventListener("input", count);
    count();

    form.addEventListener("submit", async event => {
        event.preventDefault();
        clearErrors(form);
        if (boardId === null || contributeKey === null) {
            return;
        }
        let valid = true;
        if (valueOf(form, "authorName") === "") {
            fieldError(form, "authorName", "Sign your card: the recipient sees who wrote it.");
            valid = false;
        }
        if (message.value.trim() === "") {
            fieldError(form, "message", "Write a few words first.");
            valid = false;
        }
        if (!valid) {
            form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
            return;
        }
        await busy(form, async () => {
            try {
                const created = await api.addCard(boardId, contributeKey, valueOf(form, "authorName"), message.value, inviteToken);
                rememberCard(boardId, { cardId: created.cardId, cardKey: created.cardKey });
                rememberAuthorName(valueOf(form, "authorName"));
                message.value = "";
                count();
                notice("Your card is sealed. Only you can read it until delivery; you can still edit or delete it here.", "success");
                await refresh();
            } catch (error) {
                showProblem(form, error);
            }
        });
    });
    window.setInterval(tick, 1000);
}

if (boardId === null || contributeKey === null) {
    show(byId("loading"), false);
    notice("This address is incomplete: open the contribution link exactly as you received it (it ends with #k=…).", "error");
} else {
    wire();
    void refresh();
}
