// The contributor's page, /c/{id}#k={contributeKey}: what the board is, a form to write a sealed card, and the
// cards written from this browser (their keys live in localStorage), editable until delivery.
import { api, ApiError, boardIdFromPath, fragmentValue, maxPicturesPerCard, type Card, type CardImage, type Summary } from "./lib/api.js";
import { cardElement, cardWall } from "./lib/cards.js";
import { busy, byId, characterCounter, clearErrors, confirmAction, describe, fieldError, fill, h, notice, setText, show, showProblem, valueOf } from "./lib/dom.js";
import { picturePicker, type Picker } from "./lib/picker.js";
import { forgetCard, lastAuthorName, ownCards, rememberAuthorName, rememberCard } from "./lib/storage.js";
import { countdown, formatInZone, formatLocalIfDifferent } from "./lib/time.js";
import { count } from "./lib/words.js";

const boardId = boardIdFromPath();
const contributeKey = fragmentValue("k");
// A personal invitation link also carries `i`: the server then knows which invitee has written.
const inviteToken = fragmentValue("i");
const maxMessage = 4000;

/**
 * The receipt link emailed to an author who left their address, /c/{id}#k=…&card={cardId}&ck={cardKey}: this browser
 * adopts the card (editable here from now on), and the fragment is cleaned so the card key does not linger in the
 * address bar, the history or a copied link.
 */
function adoptReceiptCard(): void {
    const cardId = fragmentValue("card");
    const cardKey = fragmentValue("ck");
    if (cardId === null && cardKey === null) {
        return;
    }
    if (boardId !== null && cardId !== null && cardKey !== null && /^[0-9a-fA-F-]{32,36}$/.test(cardId)) {
        rememberCard(boardId, { cardId, cardKey });
    }
    const clean = new URLSearchParams();
    if (contributeKey !== null) {
        clean.set("k", contributeKey);
    }
    if (inviteToken !== null) {
        clean.set("i", inviteToken);
    }
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}#${clean}`);
}

let summary: Summary | null = null;

function postingOpen(s: Summary): boolean {
    // HeldEmpty: nobody had written at the delivery time, so the board waits for cards and a new time.
    return s.status === "Draft" || s.status === "HeldEmpty"
        || (s.status === "Scheduled" && (s.deliverAt === null || Date.parse(s.deliverAt) > Date.now()));
}

/** The problem's own words (the server's `detail`) for a picture it refused. */
function pictureProblem(error: unknown): string {
    return error instanceof ApiError && error.status !== 0 ? error.message : describe(error);
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
    } else if (s.status === "HeldEmpty") {
        fill(when, "Nobody had written when the delivery time came, so the board waits for cards and a new time.");
    } else if (s.deliverAt) {
        const local = formatLocalIfDifferent(s.deliverAt, s.timeZone);
        fill(when, `${s.status === "Cancelled" ? "Was due" : "To be delivered"} ${formatInZone(s.deliverAt, s.timeZone)}`,
            local ? h("span", { class: "local-time" }, `Your time: ${local}`) : null);
    } else {
        fill(when, "The delivery time is not set yet.");
    }
    setText("sealed-when", s.deliverAt && s.status !== "HeldEmpty" ? formatInZone(s.deliverAt, s.timeZone) : "a day the owner picks");
    const cards = count(s.cardCount, "card", "cards");
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
    const pictures = boardId === null ? null : {
        boardId,
        key: cardKey,
        remove: editable ? (image: CardImage) => removePicture(card, cardKey, image) : undefined,
    };
    if (!editable) {
        return cardElement(card, { pictures });
    }
    const edit = h("button", { type: "button", class: "link", "aria-label": "Edit your card" }, "Edit");
    const remove = h("button", { type: "button", class: "link danger-text", "aria-label": "Delete your card" }, "Delete");
    const element = cardElement(card, { actions: [edit, remove], pictures });
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

async function removePicture(card: Card, cardKey: string, image: CardImage): Promise<void> {
    if (boardId === null || !(await confirmAction("Remove this picture?", "It is deleted from your card; the recipient will not see it.", "Remove the picture"))) {
        return;
    }
    try {
        await api.removeImage(boardId, card.id, cardKey, image.id);
        notice("The picture was removed from your card.", "success");
        await renderOwnCards();
    } catch (error) {
        notice(describe(error), "error");
    }
}

/**
 * Uploads the chosen pictures to a card that exists, one request each. Those that went through leave the picker; the
 * refusals come back in the server's words, one sentence per file (the card itself is kept either way).
 */
async function uploadPictures(cardId: string, cardKey: string, picker: Picker): Promise<string | null> {
    if (boardId === null) {
        return null;
    }
    const problems: string[] = [];
    for (const file of picker.files()) {
        try {
            await api.addImage(boardId, cardId, cardKey, file);
            picker.drop(file);
        } catch (error) {
            problems.push(`"${file.name}": ${pictureProblem(error)}`);
        }
    }
    return problems.length > 0 ? problems.join(" ") : null;
}

function editForm(card: Card, cardKey: string): HTMLElement {
    const id = `edit-${card.id}`;
    const textarea = h("textarea", { id, name: "message", rows: "6", maxlength: String(maxMessage), required: "" });
    textarea.value = card.message;
    const save = h("button", { type: "submit", class: "primary" }, "Save changes");
    const cancel = h("button", { type: "button" }, "Cancel");
    const images = Array.isArray(card.images) ? card.images : [];
    const room = Math.max(0, maxPicturesPerCard - images.length);
    const fileInput = h("input", { id: `${id}-pictures`, name: "pictures", type: "file", accept: "image/jpeg,image/png,image/webp,image/gif", multiple: "", "aria-describedby": `${id}-pictures-hint` });
    const previews = h("ul", { class: "picture-previews", "aria-label": "Pictures to add", hidden: "" });
    const pictureField = room > 0
        ? h("div", { class: "field" },
            h("label", { for: `${id}-pictures` }, images.length === 0 ? "Add pictures" : "Add a picture"),
            fileInput,
            h("p", { class: "hint", id: `${id}-pictures-hint` },
                `${room === 1 ? "One more picture" : `Up to ${room} pictures`}: JPEG, PNG, WebP or GIF, 5 MB each at most.`),
            previews,
            h("p", { class: "field-error", id: `${id}-pictures-error`, "data-error-for": "pictures", hidden: "" }))
        : h("p", { class: "hint" }, `Your card has ${count(images.length, "picture", "pictures")}, the most it can have. Remove one from the card to add another.`);
    const form = h("form", { class: "card editing", novalidate: "", "aria-label": "Edit your card" },
        h("p", { class: "form-alert", role: "alert", hidden: "" }),
        h("label", { for: id }, "Your message"),
        textarea,
        h("p", { class: "field-error", id: `${id}-error`, "data-error-for": "message", hidden: "" }),
        pictureField,
        h("div", { class: "actions" }, cancel, save));
    const picker = picturePicker(fileInput, previews, problem => {
        if (problem === null) {
            const slot = form.querySelector<HTMLElement>("[data-error-for=pictures]");
            if (slot !== null) {
                slot.hidden = true;
            }
            fileInput.removeAttribute("aria-invalid");
        } else {
            fieldError(form, "pictures", problem);
        }
    }, room);
    cancel.addEventListener("click", () => {
        picker.clear();
        void renderOwnCards();
    });
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
                if (textarea.value !== card.message) {
                    await api.editCard(boardId, card.id, cardKey, textarea.value);
                }
            } catch (error) {
                showProblem(form, error);
                return;
            }
            const problem = await uploadPictures(card.id, cardKey, picker);
            if (problem !== null) {
                card.message = textarea.value;
                fieldError(form, "pictures", problem);
                fileInput.focus();
                return;
            }
            notice("Your card was updated. It stays sealed until delivery.", "success");
            await renderOwnCards();
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
        const key = contributeKey;
        fill(byId("all-cards"), cards.length > 0
            ? cardWall(cards, () => ({ showTime: false, pictures: { boardId, key }, reactions: { canReact: false } }))
            : h("p", { class: "empty" }, "No cards were written."));
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
    const pictureInput = byId<HTMLInputElement>("pictures");
    const pictureError = byId("pictures-error");
    const picker = picturePicker(pictureInput, byId("picture-previews"), problem => {
        if (problem === null) {
            pictureError.hidden = true;
            pictureInput.removeAttribute("aria-invalid");
        } else {
            fieldError(form, "pictures", problem);
        }
    }, maxPicturesPerCard);
    author.value = lastAuthorName();
    const countLeft = characterCounter(message, counter, maxMessage);

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
            let created;
            try {
                const email = valueOf(form, "authorEmail");
                created = await api.addCard(boardId, contributeKey, {
                    authorName: valueOf(form, "authorName"),
                    message: message.value,
                    inviteToken,
                    authorEmail: email === "" ? null : email,
                });
            } catch (error) {
                showProblem(form, error);
                return;
            }
            // The card exists from here on: a refused picture never costs the words.
            rememberCard(boardId, { cardId: created.cardId, cardKey: created.cardKey });
            rememberAuthorName(valueOf(form, "authorName"));
            message.value = "";
            countLeft();
            const problem = await uploadPictures(created.cardId, created.cardKey, picker);
            picker.clear();
            await refresh();
            if (problem === null) {
                notice("Your card is sealed. Only you can read it until delivery; you can still edit or delete it here.", "success");
            } else {
                notice("Your card is sealed, but a picture could not be added. You can add it again from your card's Edit button.", "info");
                fieldError(form, "pictures", `Not added: ${problem} Your card itself is saved.`);
            }
        });
    });
    window.setInterval(tick, 1000);
}

if (boardId === null || contributeKey === null) {
    show(byId("loading"), false);
    notice("This address is incomplete: open the contribution link exactly as you received it (it ends with #k=…).", "error");
} else {
    adoptReceiptCard();
    wire();
    void refresh();
}
