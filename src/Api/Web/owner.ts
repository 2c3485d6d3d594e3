// The owner's page, /o/{id}#k={ownerKey}&c={contributeKey}: status, countdown, contributors, moderation, schedule,
// and the delivery's fate. Loading it only reads; every change is a button press.
import { api, ApiError, boardIdFromPath, fragmentValue, type Delivery, type DispatchStatus, type EmptyBoardPolicy, type OwnerView } from "./lib/api.js";
import { busy, byId, characterCounter, clearErrors, confirmAction, copyText, describe, fieldError, fill, h, notice, setText, show, showProblem, valueOf } from "./lib/dom.js";
import { boardKeys, ownerCredentials } from "./lib/storage.js";
import { countdown, fillZoneSelect, formatDay, formatInZone, formatLocalIfDifferent, formatShort, formatWhen, isoToWall, wallToIso } from "./lib/time.js";
import { count } from "./lib/words.js";

const boardId = boardIdFromPath();
// The owner's emails (a warning about few cards, a board held empty) link to /o/{id} with no key: this browser's own
// keys for the board, or an owner credential it keeps, open it then (see findKeys).
let ownerKey = fragmentValue("k");
let contributeKey = fragmentValue("c");

let view: OwnerView | null = null;
let refreshTimer: number | undefined;

const statusText: Record<OwnerView["status"], string> = {
    None: "Not created",
    Draft: "Draft: no delivery time yet",
    Scheduled: "Scheduled and sealed",
    Delivered: "Delivered",
    Cancelled: "Cancelled",
    AwaitingOwnerConfirmation: "Due: waiting for you to confirm your address",
    HeldEmpty: "On hold: nobody wrote a card",
};

const maxNote = 2000;

const deliveryText: Record<DispatchStatus, string> = {
    None: "Not prepared yet",
    Pending: "Waiting to be sent",
    Sending: "Being sent",
    Sent: "Sent",
    Failed: "Failed: not delivered",
    Cancelled: "Cancelled: not sent",
    Suppressed: "Suppressed: not sent",
    Held: "Held: not sent yet",
    Delivered: "Delivered to the recipient's mailbox",
    Bounced: "Bounced: the address does not exist",
    Complained: "Marked as spam by the recipient",
};

const deliveryTone: Record<DispatchStatus, string> = {
    None: "wait",
    Pending: "wait",
    Sending: "wait",
    Sent: "ok",
    Failed: "bad",
    Cancelled: "bad",
    Suppressed: "bad",
    Held: "wait",
    Delivered: "ok",
    Bounced: "bad",
    Complained: "bad",
};

/** Cards can still come and the plan can change (a board held for want of cards waits for both). */
function isOpen(v: OwnerView): boolean {
    return v.status === "Draft" || v.status === "Scheduled" || v.status === "HeldEmpty";
}

function renderHeader(v: OwnerView): void {
    document.title = `Kudos · ${v.title}`;
    setText("title", v.title);
    setText("recipient", v.recipientName);
    setText("recipient-email", v.recipientEmail);
    const status = byId("status");
    status.textContent = statusText[v.status];
    status.dataset["status"] = v.status;

    const when = byId("when");
    if (v.status === "Delivered" && v.deliveredAt) {
        fill(when, `Unlocked ${formatInZone(v.deliveredAt, v.timeZone)}`);
    } else if (v.status === "HeldEmpty" && v.deliverAt) {
        fill(when, `Was due ${formatInZone(v.deliverAt, v.timeZone)}`);
    } else if (v.deliverAt) {
        const local = formatLocalIfDifferent(v.deliverAt, v.timeZone);
        fill(when, `${v.status === "Cancelled" ? "Was due" : "Delivers"} ${formatInZone(v.deliverAt, v.timeZone)}`, local ? h("span", { class: "local-time" }, `Your time: ${local}`) : null);
    } else {
        fill(when, "No delivery time yet: set one below, or deliver now.");
    }
    tick();
}

/** The live countdown; when the instant passes, the page asks the server for the delivered state. */
function tick(): void {
    const element = byId("countdown");
    if (view === null || view.status !== "Scheduled" || !view.deliverAt) {
        show(element, false);
        return;
    }
    const left = countdown(view.deliverAt);
    show(element, true);
    if (left === null) {
        element.textContent = "Delivering now…";
        scheduleRefresh();
    } else {
        element.textContent = `Delivers in ${left}`;
    }
}

/**
 * Until the owner confirms their address nothing is sent: say so, with the address and a way to get a new link. When the
 * reputation guard holds the owner's invitations, say that instead.
 */
function renderConfirmation(v: OwnerView): void {
    const pending = v.ownerConfirmationPending === true && v.status !== "Cancelled";
    const held = !pending && v.invitationsHeld === true && v.waitingEmails > 0;
    show(byId("confirm-owner"), pending || held);
    show(byId("resend-confirmation"), pending);
    if (held) {
        setText("confirm-owner-heading", "Invitations on hold");
        setText("confirm-owner-text",
            `Too many of your recent invitations bounced or were reported as spam, so new ones wait for a review by the service's operator. ${v.waitingEmails} email${v.waitingEmails === 1 ? "" : "s"} wait.`);
        return;
    }
    if (!pending) {
        return;
    }
    setText("confirm-owner-heading", "Check your inbox");
    const waiting = v.waitingEmails === 1 ? " 1 invitation waits." : v.waitingEmails > 1 ? ` ${v.waitingEmails} invitations wait.` : "";
    setText("confirm-owner-text", v.status === "AwaitingOwnerConfirmation"
        ? `The delivery time has passed, but your address is not confirmed yet: the board stays sealed. Open the link we sent to ${v.ownerEmail} and it is delivered at once.`
        : `We sent a link to ${v.ownerEmail}. Until you open it and confirm, nothing is sent for this board: no invitations, no delivery.${waiting}`);
}

function renderShare(v: OwnerView): void {
    const panel = byId("share");
    show(panel, isOpen(v));
    const link = byId<HTMLInputElement>("contribute-link");
    if (contributeKey === null) {
        show(byId("share-link"), false);
        setText("share-hint", "Open this page from the address you got when you created the board to see the contribution link again.");
        return;
    }
    link.value = `${window.location.origin}/c/${v.id}#k=${encodeURIComponent(contributeKey)}`;
}

function renderCards(v: OwnerView): void {
    setText("card-count", count(v.cardCount, "card", "cards"));
    const sealedNote = byId("sealed-note");
    sealedNote.textContent = v.status === "Delivered"
        ? "Delivered: the recipient can now read every card."
        : "Sealed: you see who wrote, never what, until delivery. Only each author can read their own card.";

    const list = byId("cards");
    const canModerate = isOpen(v);
    if (Array.isArray(v.cards)) {
        fill(list, ...v.cards.map(card => h("li", { class: "card-row" },
            h("span", { class: "author" }, card.authorName),
            h("span", { class: "muted" }, ` · written ${formatShort(card.createdAt)}`),
            canModerate ? removeButton(v, card.id, card.authorName) : null)));
        show(byId("moderation-note"), false);
    } else {
        fill(list, ...v.contributorNames.map(name => h("li", { class: "card-row" }, h("span", { class: "author" }, name))));
        show(byId("moderation-note"), canModerate && v.cardCount > 0);
    }
    if (v.cardCount === 0) {
        fill(list, h("li", { class: "empty" }, isOpen(v) ? "No cards yet. Share the contribution link to collect some." : "No cards were written."));
    }
}

function removeButton(v: OwnerView, cardId: string, author: string): HTMLButtonElement {
    const button = h("button", { type: "button", class: "link danger-text", "aria-label": `Remove the card by ${author}` }, "Remove");
    button.addEventListener("click", async () => {
        const yes = await confirmAction("Remove this card?", `The card by ${author} will be deleted for good. Its author is not told.`, "Remove the card");
        const key = ownerKey;
        if (!yes || key === null) {
            return;
        }
        await busy(button, async () => {
            try {
                await api.removeCard(v.id, cardId, key);
                notice(`The card by ${author} was removed.`, "success");
                await load();
            } catch (error) {
                notice(describe(error), "error");
            }
        });
    });
    return button;
}

function renderInvitees(v: OwnerView): void {
    const invitees = Array.isArray(v.invitees) ? v.invitees : [];
    show(byId("invitees-block"), invitees.length > 0);
    const posted = invitees.filter(i => i.hasPosted).length;
    setText("invitees-count", `${posted} of ${invitees.length} invited wrote a card`);
    // Invitations recorded while the owner is unconfirmed (or held by the reputation guard) have not left yet.
    const waiting = v.waitingEmails > 0;
    fill(byId("invitees"), ...invitees.map(invitee => h("li", { class: "card-row" },
        h("span", {}, invitee.email),
        h("span", { class: invitee.hasPosted ? "pill ok" : "pill" }, invitee.hasPosted ? "wrote a card" : waiting ? "not sent yet" : "invited"))));
}

function renderDelivery(v: OwnerView): void {
    const panel = byId("delivery");
    const d = v.delivery;
    show(panel, v.status === "Delivered" || d !== null);
    if (v.status !== "Delivered" && d === null) {
        return;
    }
    const badge = byId("delivery-status");
    if (d === null) {
        badge.textContent = "Preparing the email";
        badge.dataset["tone"] = "wait";
        fill(byId("delivery-details"));
        show(byId("delivery-technical"), false);
        setText("delivery-summary", "The board is unlocked; the email to the recipient is being prepared.");
        return;
    }
    badge.textContent = deliveryText[d.status] ?? d.status;
    badge.dataset["tone"] = deliveryTone[d.status] ?? "wait";
    setText("delivery-summary", summary(v, d));

    // The words above are for people; the raw facts stay one click away for whoever has to dig.
    const rows: [string, string | null, boolean][] = [
        ["Status", d.status, true],
        ["Dispatch", d.dispatchId, true],
        ["Attempts", String(d.attempts), false],
        ["Sent", d.sentAt ? formatShort(d.sentAt) : null, false],
        ["Next attempt", d.nextAttemptAt && (d.status === "Pending" || d.status === "Held") ? formatShort(d.nextAttemptAt) : null, false],
        ["Reason", d.lastError, false],
        ["Mail server's reply", d.serverReply, true],
    ];
    const details = byId("delivery-details");
    fill(details, ...rows.filter(([, value]) => value !== null && value !== "").flatMap(([term, value, code]) => [
        h("dt", {}, term),
        h("dd", {}, code ? h("code", {}, value as string) : (value as string)),
    ]));
    show(byId("delivery-technical"), true);

    const recipientLink = byId<HTMLAnchorElement>("recipient-link");
    if (d.recipientUrl) {
        recipientLink.href = d.recipientUrl;
        show(byId("recipient-link-row"), true);
        setText("recipient-link-hint", d.status === "Sent" || d.status === "Delivered"
            ? "This is the link the recipient received."
            : "The email did not reach the recipient: you can send them this link yourself.");
    } else {
        show(byId("recipient-link-row"), false);
    }
}

/** What happened to the delivery email, in words: no status names, no raw replies (those are in "Technical details"). */
function summary(v: OwnerView, d: Delivery): string {
    const name = v.recipientName;
    const address = v.recipientEmail;
    const on = (iso: string | null) => (iso ? ` on ${formatWhen(iso)}` : "");
    switch (d.status) {
        case "Sent":
            return `Sent to ${name}'s mail server (${address})${on(d.sentAt)}.`;
        case "Delivered":
            return `Delivered to ${name}'s mailbox (${address})${on(d.sentAt)}.`;
        case "Bounced":
            return `The email to ${address} could not be delivered: that address does not exist. Check it with ${name}, or send them the link below yourself.`;
        case "Complained":
            return `${address} marked the email as spam; no more email goes to that address.`;
        case "Failed":
            return `The email to ${address} could not be delivered: ${d.recipientAddressInvalid
                ? "the mail server says this address does not exist"
                : "the recipient's mail server refused it"}. Check the address, or send ${name} the link below yourself.`;
        case "Suppressed":
            return `No email was sent: ${address} is on the list of addresses we no longer write to (an earlier message bounced or was reported as spam).`;
        case "Held":
            return `The mail provider does not accept ${address} yet; the email is kept and sent once it does.`;
        case "Cancelled":
            return "The email was cancelled before it was sent.";
        case "Sending":
            return `Sending to ${address} now…`;
        default:
            return d.attempts > 0
                ? `The last attempt did not go through; it will be tried again${d.nextAttemptAt ? ` on ${formatWhen(d.nextAttemptAt)}` : ""}.`
                : `The email to ${address} is about to be sent.`;
    }
}

function renderHeldEmpty(v: OwnerView): void {
    show(byId("held-empty"), v.status === "HeldEmpty");
}

/** The recipient's thank-you note, once they sent it. */
function renderThanks(v: OwnerView): void {
    const thanks = v.thanks ?? null;
    show(byId("owner-thanks"), thanks !== null);
    if (thanks === null) {
        return;
    }
    setText("owner-thanks-heading", `A thank-you from ${v.recipientName}`);
    setText("owner-thanks-text", thanks.message);
    setText("owner-thanks-when", `Sent on ${formatDay(thanks.sentAt)} by email to ${count(thanks.recipients, "person", "people")}: you and every contributor who left an address.`);
}

function policyOf(form: HTMLFormElement): EmptyBoardPolicy {
    return form.querySelector<HTMLInputElement>("input[name=emptyBoardPolicy]:checked")?.value === "DeliverAnyway" ? "DeliverAnyway" : "HoldAndAsk";
}

/** The note to the recipient and the empty-board choice: editable until delivery, the note shown as sent after. */
function renderNote(v: OwnerView): void {
    for (const slot of document.querySelectorAll(".note-recipient")) {
        slot.textContent = v.recipientName;
    }
    const open = isOpen(v);
    const note = v.noteToRecipient ?? "";
    const panel = byId("note-panel");
    show(byId("note-form"), open);
    show(byId("note-sent"), !open && note !== "");
    show(panel, open || note !== "");
    setText("note-heading", open ? "Your note" : `Your note to ${v.recipientName}`);
    setText("note-sent-text", note);
    if (!open) {
        return;
    }
    // Filled from the server only when the server's values changed, so a refresh never eats what is being typed.
    const form = byId<HTMLFormElement>("note-form");
    const state = JSON.stringify([note, v.emptyBoardPolicy]);
    if (form.dataset["filled"] !== state) {
        byId<HTMLTextAreaElement>("noteToRecipient").value = note;
        for (const radio of form.querySelectorAll<HTMLInputElement>("input[name=emptyBoardPolicy]")) {
            radio.checked = radio.value === (v.emptyBoardPolicy ?? "HoldAndAsk");
        }
        form.dataset["filled"] = state;
        countNote();
    }
}

let countNote: () => void = () => undefined;

/** "This board has no cards yet." / "This board has only 1 card." */
function fewCardsText(cards: number): string {
    return cards === 0 ? "This board has no cards yet." : `This board has only ${count(cards, "card", "cards")}.`;
}

function renderManage(v: OwnerView): void {
    show(byId("manage"), isOpen(v));
    if (!isOpen(v)) {
        return;
    }
    const form = byId<HTMLFormElement>("reschedule-form");
    if (form.dataset["filled"] !== v.deliverAt) {
        fillZoneSelect(byId<HTMLSelectElement>("newTimeZone"), v.timeZone);
        if (v.deliverAt) {
            const wall = isoToWall(v.deliverAt, v.timeZone);
            byId<HTMLInputElement>("newDate").value = wall.date;
            byId<HTMLInputElement>("newTime").value = wall.time;
        }
        form.dataset["filled"] = v.deliverAt ?? "";
    }
    setText("reschedule-submit", v.deliverAt ? "Reschedule" : "Schedule");
}

function render(v: OwnerView): void {
    view = v;
    show(byId("loading"), false);
    show(byId("board"), true);
    renderHeader(v);
    renderConfirmation(v);
    renderHeldEmpty(v);
    renderThanks(v);
    renderNote(v);
    renderShare(v);
    renderDelivery(v);
    renderCards(v);
    renderInvitees(v);
    renderManage(v);

    const settling = (v.status === "Delivered" && (v.delivery === null || v.delivery.status === "Pending" || v.delivery.status === "Sending"))
        || (v.status === "Scheduled" && v.deliverAt !== null && Date.parse(v.deliverAt) <= Date.now());
    if (settling) {
        scheduleRefresh();
    }
}

/**
 * Delivers now; when the server counts fewer cards than its threshold and the owner was not asked (a card was removed
 * meanwhile, or the threshold is new), it answers 409 `few_cards_unconfirmed`: ask with the count, then confirm.
 */
async function deliverNow(confirmed: boolean): Promise<OwnerView> {
    if (boardId === null || ownerKey === null) {
        throw new Error("No board.");
    }
    try {
        return await api.deliverNow(boardId, ownerKey, confirmed);
    } catch (error) {
        if (confirmed || !(error instanceof ApiError && error.code === "few_cards_unconfirmed")) {
            throw error;
        }
        const fresh = await api.ownerView(boardId, ownerKey).catch(() => view);
        const cards = fresh?.cardCount ?? 0;
        const yes = await confirmAction("Deliver now?", `${fewCardsText(cards)} Deliver it anyway?`, "Deliver anyway", "Not yet");
        if (!yes) {
            throw new ApiError(0, "Not delivered: the board stays as it is.", "cancelled_by_owner");
        }
        return await api.deliverNow(boardId, ownerKey, true);
    }
}

/** Reads the board again shortly: used while a delivery is in flight (reads change nothing). */
function scheduleRefresh(): void {
    if (refreshTimer === undefined) {
        refreshTimer = window.setTimeout(() => {
            refreshTimer = undefined;
            void load();
        }, 1500);
    }
}

async function load(): Promise<void> {
    if (boardId === null || ownerKey === null) {
        return;
    }
    try {
        render(await api.ownerView(boardId, ownerKey));
    } catch (error) {
        if (view === null) {
            show(byId("loading"), false);
        }
        notice(describe(error), "error");
    }
}

function wire(): void {
    byId("copy-link").addEventListener("click", async () => {
        const input = byId<HTMLInputElement>("contribute-link");
        const copied = await copyText(input.value, input);
        setText("copy-status", copied ? "Copied. Paste it in an email or a chat." : "Select the link and copy it (Ctrl+C).");
    });

    const form = byId<HTMLFormElement>("reschedule-form");
    form.addEventListener("submit", async event => {
        event.preventDefault();
        clearErrors(form);
        const key = ownerKey;
        if (view === null || boardId === null || key === null) {
            return;
        }
        const zone = valueOf(form, "newTimeZone");
        const deliverAt = wallToIso(valueOf(form, "newDate"), valueOf(form, "newTime"), zone);
        if (deliverAt === null) {
            fieldError(form, "deliverAt", "Pick the day and the time.");
            return;
        }
        await busy(form, async () => {
            try {
                render(await api.reschedule(boardId, key, deliverAt, zone));
                notice(`Rescheduled: delivers ${formatInZone(deliverAt, zone)}.`, "success");
            } catch (error) {
                showProblem(form, error);
            }
        });
    });

    const resend = byId<HTMLButtonElement>("resend-confirmation");
    resend.addEventListener("click", async () => {
        const key = ownerKey;
        if (boardId === null || key === null) {
            return;
        }
        await busy(resend, async () => {
            try {
                render(await api.resendConfirmation(boardId, key));
                notice("A new link is on its way. Earlier links no longer work.", "success");
            } catch (error) {
                notice(describe(error), "error");
            }
        });
    });

    const deliver = byId<HTMLButtonElement>("deliver-now");
    deliver.addEventListener("click", async () => {
        if (view === null || boardId === null || ownerKey === null) {
            return;
        }
        const v = view;
        const after = `${v.recipientName} gets the email right away. Nobody can add cards after that.`;
        // Few cards (fewer than the server's threshold): say how many, and tell the server the owner agreed.
        const few = v.cardCount < v.fewCardsThreshold;
        const yes = await confirmAction(
            "Deliver now?",
            few ? `${fewCardsText(v.cardCount)} Deliver it anyway? ${after}` : `The board unlocks now and ${after}`,
            few ? "Deliver anyway" : "Deliver now",
            "Not yet");
        if (!yes) {
            return;
        }
        await busy(deliver, async () => {
            try {
                render(await deliverNow(few));
                notice("Delivered: the board is unlocked. The email's progress shows below.", "success");
            } catch (error) {
                const declined = error instanceof ApiError && error.code === "cancelled_by_owner";
                notice(describe(error), declined ? "info" : "error");
            }
        });
    });

    const noteForm = byId<HTMLFormElement>("note-form");
    countNote = characterCounter(byId<HTMLTextAreaElement>("noteToRecipient"), byId("noteToRecipient-count"), maxNote);
    noteForm.addEventListener("submit", async event => {
        event.preventDefault();
        clearErrors(noteForm);
        const key = ownerKey;
        if (view === null || boardId === null || key === null) {
            return;
        }
        const note = byId<HTMLTextAreaElement>("noteToRecipient").value.trim();
        await busy(noteForm, async () => {
            try {
                render(await api.updateBoard(boardId, key, { noteToRecipient: note, emptyBoardPolicy: policyOf(noteForm) }));
                notice(note === "" ? "Saved. There is no note: the board opens straight on the cards." : "Saved. Your note is shown first when the board is opened.", "success");
            } catch (error) {
                showProblem(noteForm, error);
            }
        });
    });

    const cancel = byId<HTMLButtonElement>("cancel-board");
    cancel.addEventListener("click", async () => {
        const key = ownerKey;
        if (view === null || boardId === null || key === null) {
            return;
        }
        const yes = await confirmAction(
            "Cancel this board?",
            `It will never be delivered to ${view.recipientName}, and nobody can add cards any more. This cannot be undone.`,
            "Cancel the board",
            "Keep the board");
        if (!yes) {
            return;
        }
        await busy(cancel, async () => {
            try {
                await api.cancel(boardId, key);
                notice("The board was cancelled. It will not be delivered.", "info");
                await load();
            } catch (error) {
                notice(describe(error), "error");
            }
        });
    });

    document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") {
            void load();
        }
    });
    window.setInterval(tick, 1000);
}

/**
 * Without a key in the address: the keys this browser kept when it created the board, else the first owner credential
 * kept here that opens it. The address then carries the key found, so a bookmark works anywhere.
 */
async function findKeys(id: string): Promise<boolean> {
    const kept = boardKeys(id);
    if (kept !== null) {
        ownerKey = kept.ownerKey;
        contributeKey = kept.contributeKey;
    } else {
        for (const credential of ownerCredentials()) {
            try {
                await api.ownerView(id, credential);
                ownerKey = credential;
                break;
            } catch {
                // Not this owner's board (or revoked): try the next.
            }
        }
    }
    if (ownerKey === null) {
        return false;
    }
    const fragment = new URLSearchParams({ k: ownerKey });
    if (contributeKey !== null) {
        fragment.set("c", contributeKey);
    }
    window.history.replaceState(window.history.state, "", `${window.location.pathname}#${fragment}`);
    return true;
}

async function start(): Promise<void> {
    if (boardId !== null && ownerKey === null && !(await findKeys(boardId))) {
        show(byId("loading"), false);
        notice("This page needs its key: open the owner link you got when you created the board (it ends with #k=…), or open this page in the browser you created it with.", "error");
        return;
    }
    if (boardId === null || ownerKey === null) {
        show(byId("loading"), false);
        notice("This address is incomplete: open the owner link exactly as you received it (it ends with #k=…).", "error");
        return;
    }
    wire();
    const created = sessionStorage.getItem("kudos.created");
    if (created === boardId) {
        sessionStorage.removeItem("kudos.created");
        notice("Your board is ready. Bookmark this page: its address is your key to manage the board.", "success");
    } else if (sessionStorage.getItem("kudos.confirmed") === boardId) {
        sessionStorage.removeItem("kudos.confirmed");
        notice("Your address is confirmed: invitations and the delivery go out as planned. This browser can now create boards without confirming again.", "success");
    } else if (created === `${boardId}:confirm`) {
        sessionStorage.removeItem("kudos.created");
        notice("Your board is ready. One step left: confirm your address with the link we just emailed you.", "success");
    }
    await load();
}

void start();
