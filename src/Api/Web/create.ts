// The start page: create a board. On success the owner lands on the owner page, keys in the URL fragment.
import { api, ApiError, type EmptyBoardPolicy } from "./lib/api.js";
import { busy, byId, characterCounter, clearErrors, fieldError, fill, h, show, showProblem, valueOf } from "./lib/dom.js";
import { forgetOwnerCredential, ownerCredential, ownerCredentials, rememberBoardKeys } from "./lib/storage.js";
import { browserZone, dateInZone, fillZoneSelect, formatShort, wallToIso } from "./lib/time.js";

const form = byId<HTMLFormElement>("create-form");
const zone = byId<HTMLSelectElement>("timeZone");
const date = byId<HTMLInputElement>("deliverDate");
const time = byId<HTMLInputElement>("deliverTime");

fillZoneSelect(zone, browserZone());
date.min = dateInZone(zone.value);
if (date.value === "") {
    date.value = dateInZone(zone.value, 7);
}
if (time.value === "") {
    time.value = "09:00";
}
zone.addEventListener("change", () => (date.min = dateInZone(zone.value)));

// The note's label names the recipient as soon as the owner has typed the name.
const recipientName = byId<HTMLInputElement>("recipientName");
const nameRecipient = () => {
    for (const slot of document.querySelectorAll(".note-recipient")) {
        slot.textContent = recipientName.value.trim() || "the recipient";
    }
};
recipientName.addEventListener("input", nameRecipient);
nameRecipient();

const maxNote = 2000;
const note = byId<HTMLTextAreaElement>("noteToRecipient");
characterCounter(note, byId("noteToRecipient-count"), maxNote);

function emptyBoardPolicy(): EmptyBoardPolicy {
    const chosen = form.querySelector<HTMLInputElement>("input[name=emptyBoardPolicy]:checked");
    return chosen?.value === "DeliverAnyway" ? "DeliverAnyway" : "HoldAndAsk";
}

const required: [string, string][] = [
    ["title", "Give the board a title."],
    ["recipientName", "Who is it for?"],
    ["recipientEmail", "The board is delivered to this address."],
    ["ownerName", "Your name is shown to contributors."],
    ["ownerEmail", "Delivery problems are reported to you."],
];

/** Addresses separated by commas, semicolons, spaces or new lines. */
function emails(text: string): string[] {
    return text.split(/[\s,;]+/).map(e => e.trim()).filter(e => e.length > 0);
}

form.addEventListener("submit", async event => {
    event.preventDefault();
    clearErrors(form);

    let valid = true;
    for (const [field, message] of required) {
        if (valueOf(form, field) === "") {
            fieldError(form, field, message);
            valid = false;
        }
    }
    const deliverAt = wallToIso(date.value, time.value, zone.value);
    if (deliverAt === null) {
        fieldError(form, "deliverAt", "Pick the day and the time of delivery.");
        valid = false;
    } else if (Date.parse(deliverAt) <= Date.now()) {
        fieldError(form, "deliverAt", "Pick a time in the future.");
        valid = false;
    }
    if (!valid || deliverAt === null) {
        form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
        return;
    }

    await busy(form, async () => {
        const ownerEmail = valueOf(form, "ownerEmail");
        const create = (credential: string | null) => api.createBoard({
            title: valueOf(form, "title"),
            recipientName: valueOf(form, "recipientName"),
            recipientEmail: valueOf(form, "recipientEmail"),
            ownerName: valueOf(form, "ownerName"),
            ownerEmail,
            deliverAt,
            timeZone: zone.value,
            contributorEmails: emails(valueOf(form, "contributorEmails")),
            noteToRecipient: note.value.trim() === "" ? null : note.value.trim(),
            emptyBoardPolicy: emptyBoardPolicy(),
        }, credential);
        try {
            let created;
            try {
                // This browser confirmed the address before: its credential skips the confirmation email.
                created = await create(ownerCredential(ownerEmail));
            } catch (error) {
                if (!(error instanceof ApiError && error.code === "owner_credential_invalid")) {
                    throw error;
                }
                // Revoked meanwhile: forget it and create the board the way a new owner does.
                forgetOwnerCredential(ownerEmail);
                created = await create(null);
            }
            rememberBoardKeys(created.id, { ownerKey: created.ownerKey, contributeKey: created.contributeKey });
            sessionStorage.setItem("kudos.created", created.ownerConfirmationRequired ? `${created.id}:confirm` : created.id);
            const fragment = new URLSearchParams({ k: created.ownerKey, c: created.contributeKey });
            window.location.assign(`/o/${created.id}#${fragment}`);
        } catch (error) {
            showProblem(form, error);
        }
    });
});

/** "I lost my owner link": the boards of every address confirmed in this browser, each opening its owner page. */
async function listMyBoards(): Promise<void> {
    const items: HTMLElement[] = [];
    for (const credential of ownerCredentials()) {
        try {
            for (const board of await api.ownerBoards(credential)) {
                const when = board.deliverAt ? formatShort(board.deliverAt) : "draft";
                items.push(h("li", { class: "card-row" },
                    h("a", { class: "author", href: `/o/${board.id}#${new URLSearchParams({ k: credential })}` }, board.title),
                    h("span", { class: "pill" }, board.status === "Delivered" ? "delivered" : when)));
            }
        } catch {
            // A revoked credential lists nothing; creating a board with it falls back to confirming again.
        }
    }
    fill(byId("my-boards-list"), ...items);
    show(byId("my-boards"), items.length > 0);
}

void listMyBoards();
