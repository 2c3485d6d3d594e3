// Small DOM helpers. User text only ever reaches the page as text nodes or textContent: nothing here parses HTML.
import { ApiError } from "./api.js";

type Child = Node | string | null | undefined | false;

/** Creates an element; string children become text nodes, so user text is never interpreted as markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes: Record<string, string> = {},
    ...children: Child[]
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        element.setAttribute(name, value);
    }
    for (const child of children) {
        if (child !== null && child !== undefined && child !== false) {
            element.append(typeof child === "string" ? document.createTextNode(child) : child);
        }
    }
    return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
    const element = document.getElementById(id);
    if (element === null) {
        throw new Error(`The page has no #${id}.`);
    }
    return element as T;
}

export function setText(id: string, text: string): void {
    byId(id).textContent = text;
}

export function show(element: HTMLElement, visible = true): void {
    element.hidden = !visible;
}

/** Replaces an element's children. */
export function fill(element: HTMLElement, ...children: Child[]): void {
    element.replaceChildren();
    for (const child of children) {
        if (child !== null && child !== undefined && child !== false) {
            element.append(typeof child === "string" ? document.createTextNode(child) : child);
        }
    }
}

/** Value of a named control of a form, trimmed. */
export function valueOf(form: HTMLFormElement, name: string): string {
    const control = form.elements.namedItem(name);
    if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement) {
        return control.value.trim();
    }
    return "";
}

function controlFor(form: HTMLFormElement, field: string): HTMLElement | null {
    const explicit = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
    if (explicit !== null) {
        return explicit;
    }
    const named = form.elements.namedItem(field);
    return named instanceof HTMLElement ? named : null;
}

function errorSlot(form: HTMLFormElement, field: string): HTMLElement | null {
    return form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`);
}

/** The human label of a field, used to replace the API's `'fieldName'` in messages. */
function labelOf(form: HTMLFormElement, field: string): string | null {
    const control = controlFor(form, field);
    const label = control?.dataset["label"] ?? (control?.id ? form.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent : null);
    return label ? label.trim() : null;
}

function humanize(form: HTMLFormElement, field: string, message: string): string {
    const label = labelOf(form, field);
    return label === null ? message : message.split(`'${field}'`).join(label);
}

/** Clears every message a previous submission left on the form. */
export function clearErrors(form: HTMLFormElement): void {
    for (const slot of form.querySelectorAll<HTMLElement>("[data-error-for]")) {
        slot.textContent = "";
        slot.hidden = true;
    }
    for (const control of form.querySelectorAll<HTMLElement>("[aria-invalid]")) {
        control.removeAttribute("aria-invalid");
    }
    const alert = form.querySelector<HTMLElement>(".form-alert");
    if (alert !== null) {
        alert.textContent = "";
        alert.hidden = true;
    }
}

/** Shows a message next to a field (or at the top of the form when the field has no slot). */
export function fieldError(form: HTMLFormElement, field: string, message: string): void {
    const slot = errorSlot(form, field);
    if (slot === null) {
        formAlert(form, message);
        return;
    }
    slot.textContent = humanize(form, field, message);
    slot.hidden = false;
    const control = controlFor(form, field);
    if (control !== null) {
        control.setAttribute("aria-invalid", "true");
        const describedBy = new Set((control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean));
        describedBy.add(slot.id);
        control.setAttribute("aria-describedby", [...describedBy].join(" "));
    }
}

export function formAlert(form: HTMLFormElement, message: string): void {
    let alert = form.querySelector<HTMLElement>(".form-alert");
    if (alert === null) {
        alert = h("p", { class: "form-alert", role: "alert" });
        form.prepend(alert);
    }
    alert.textContent = message;
    alert.hidden = false;
}

/**
 * Shows an API problem on a form: each `errors` entry next to its field (camelCase names, or a prefix such as
 * `contributorEmails[1]`), anything else as one readable message at the top. Focuses the first field at fault.
 */
export function showProblem(form: HTMLFormElement, error: unknown): void {
    clearErrors(form);
    if (!(error instanceof ApiError)) {
        formAlert(form, "Something went wrong in this page. Reload it and try again.");
        console.error(error);
        return;
    }

    let first: HTMLElement | null = null;
    const fields = Object.entries(error.errors);
    for (const [rawField, messages] of fields) {
        const field = rawField.replace(/\[\d+\]$/, "").replace(/^\$\./, "");
        const message = messages.join(" ");
        if (errorSlot(form, field) !== null) {
            fieldError(form, field, message);
            first ??= controlFor(form, field);
        } else {
            formAlert(form, message);
        }
    }
    if (fields.length === 0) {
        formAlert(form, describe(error));
    }
    first?.focus();
}

/** A readable sentence for a problem that concerns no single field. */
export function describe(error: unknown): string {
    if (!(error instanceof ApiError)) {
        return "Something went wrong in this page. Reload it and try again.";
    }
    if (error.status === 404) {
        return "This link does not open a board: it may be incomplete (copy the whole link) or the board no longer exists.";
    }
    if (error.status === 413) {
        return "That is too long to send. Shorten it and try again.";
    }
    return error.message;
}

/** Shows a page-level message in the page's status region (role=status, announced politely). */
export function notice(message: string, tone: "info" | "success" | "error" = "info"): void {
    const region = document.getElementById("notice");
    if (region === null) {
        return;
    }
    region.textContent = message;
    region.dataset["tone"] = tone;
    region.hidden = message.length === 0;
}

/** Disables a form's controls while a request runs, so nothing is sent twice. */
export async function busy<T>(form: HTMLFormElement | HTMLElement, work: () => Promise<T>): Promise<T> {
    const controls = [...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input[type=submit]")];
    if (form instanceof HTMLButtonElement) {
        controls.push(form);
    }
    for (const control of controls) {
        control.disabled = true;
    }
    form.setAttribute("aria-busy", "true");
    try {
        return await work();
    } finally {
        for (const control of controls) {
            control.disabled = false;
        }
        form.removeAttribute("aria-busy");
    }
}

/**
 * Asks for confirmation in the page's own modal dialog (keyboard: Esc cancels, focus starts on "keep"),
 * instead of window.confirm, which blocks the page and cannot be styled.
 */
/**
 * Keeps "N characters left" under a text field (marked low under 200) as the field changes; returns the update, for a
 * caller that fills the field itself.
 */
export function characterCounter(field: HTMLTextAreaElement, counter: HTMLElement, max: number): () => void {
    const update = () => {
        const left = max - field.value.length;
        counter.textContent = `${left} characters left`;
        counter.dataset["low"] = String(left < 200);
    };
    field.addEventListener("input", update);
    update();
    return update;
}

export function confirmAction(title: string, message: string, confirmLabel: string, cancelLabel = "Keep it"): Promise<boolean> {
    const dialog = byId<HTMLDialogElement>("confirm");
    setText("confirm-title", title);
    setText("confirm-message", message);
    const yes = byId<HTMLButtonElement>("confirm-yes");
    const no = byId<HTMLButtonElement>("confirm-no");
    yes.textContent = confirmLabel;
    no.textContent = cancelLabel;
    return new Promise(resolve => {
        const done = (answer: boolean) => {
            yes.removeEventListener("click", onYes);
            no.removeEventListener("click", onNo);
            dialog.removeEventListener("close", onClose);
            if (dialog.open) {
                dialog.close();
            }
            resolve(answer);
        };
        const onYes = () => done(true);
        const onNo = () => done(false);
        const onClose = () => done(false);
        yes.addEventListener("click", onYes);
        no.addEventListener("click", onNo);
        dialog.addEventListener("close", onClose);
        dialog.showModal();
        no.focus();
    });
}

/** Copies text to the clipboard, falling back to selecting it when the Clipboard API is not allowed. */
export async function copyText(text: string, fallbackInput: HTMLInputElement): Promise<boolean> {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        fallbackInput.focus();
        fallbackInput.select();
        return document.execCommand("copy");
    }
}
