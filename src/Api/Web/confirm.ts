// The confirmation page, /confirm/{id}#t={token}: opening it (as mail scanners do) changes nothing; the button POSTs the
// token. The owner credential it returns is kept in this browser, and the owner lands on the board's owner page.
import { api, boardIdFromPath, fragmentValue } from "./lib/api.js";
import { busy, byId, notice, showProblem } from "./lib/dom.js";
import { boardKeys, rememberOwnerCredential } from "./lib/storage.js";

const boardId = boardIdFromPath();
const token = fragmentValue("t");
const form = byId<HTMLFormElement>("confirm-form");

if (boardId === null || token === null) {
    form.hidden = true;
    notice("This address is incomplete: open the link exactly as you received it (it ends with #t=…).", "error");
} else {
    form.addEventListener("submit", async event => {
        event.preventDefault();
        await busy(form, async () => {
            try {
                const confirmed = await api.confirmOwner(boardId, token);
                rememberOwnerCredential(confirmed.ownerEmail, confirmed.ownerCredential);
                // On the device that created the board its keys are known (with the contribution link); elsewhere the
                // credential opens the owner page.
                const keys = boardKeys(boardId);
                const fragment = keys === null
                    ? new URLSearchParams({ k: confirmed.ownerCredential })
                    : new URLSearchParams({ k: keys.ownerKey, c: keys.contributeKey });
                sessionStorage.setItem("kudos.confirmed", boardId);
                window.location.assign(`/o/${boardId}#${fragment}`);
            } catch (error) {
                showProblem(form, error);
            }
        });
    });
}
