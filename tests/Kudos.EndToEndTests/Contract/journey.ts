// The core journey through a client generated from the committed OpenAPI snapshot (openapi-typescript + openapi-fetch),
// compiled with `tsc --strict`: if the contract cannot express a call, or a response or problem has another shape,
// this file does not compile. Run by ApiContractTests, which checks what it prints.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

declare const process: { env: Record<string, string | undefined>; exitCode: number };

type Problem = components["schemas"]["ProblemDetails"];
type NewBoard = components["schemas"]["CreateBoardRequest"];

const baseUrl = process.env["KUDOS_API_URL"];
if (baseUrl === undefined) {
    throw new Error("KUDOS_API_URL is not set");
}

const client = createClient<paths>({ baseUrl });
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const unique = crypto.randomUUID();

function fail(step: string, problem: Problem | undefined, status: number): never {
    throw new Error(`${step}: ${status} ${problem?.code ?? ""} ${problem?.detail ?? ""}`);
}

const newBoard: NewBoard = {
    title: "Thank you, Ada",
    recipientName: "Ada Lovelace",
    recipientEmail: `ada-${unique}@example.test`,
    ownerName: "Grace",
    ownerEmail: `grace-${unique}@example.test`,
    deliverAt: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
    timeZone: "Europe/Paris",
};

// 1. Create a board.
const created = await client.POST("/api/boards", { body: newBoard });
if (created.error !== undefined) {
    fail("create", created.error, created.response.status);
}
const board = created.data;

// 2. A contributor posts a sealed card.
const posted = await client.POST("/api/boards/{id}/cards", {
    params: { path: { id: board.id } },
    headers: bearer(board.contributeKey),
    body: { authorName: "Alan", message: "You saw it first." },
});
if (posted.error !== undefined) {
    fail("post card", posted.error, posted.response.status);
}

// 3. The owner's view: names and count, never text.
const view = await client.GET("/api/boards/{id}", { params: { path: { id: board.id } }, headers: bearer(board.ownerKey) });
if (view.error !== undefined) {
    fail("owner view", view.error, view.response.status);
}
const cardCount: number = view.data.cardCount;
const names: string[] = view.data.contributorNames;

// 4. While sealed, the list of cards is a 403 problem.
const sealed = await client.GET("/api/boards/{id}/cards", { params: { path: { id: board.id } }, headers: bearer(board.ownerKey) });
const sealedProblem: Problem | undefined = sealed.error;

// 5. A naive local time is a 400 problem naming the field.
const naive = await client.POST("/api/boards", { body: { ...newBoard, deliverAt: "2026-12-24T18:00:00" } });
const naiveProblem: Problem | undefined = naive.error;
const naiveErrors: string[] = naiveProblem?.errors?.["deliverAt"] ?? [];

console.log(JSON.stringify({
    boardId: board.id,
    ownerKey: board.ownerKey,
    status: board.status,
    cardId: posted.data.cardId,
    cardKeyLength: posted.data.cardKey.length,
    cardCount,
    names,
    sealedStatus: sealed.response.status,
    sealedCode: sealedProblem?.code ?? null,
    sealedHasData: sealed.data !== undefined,
    naiveStatus: naive.response.status,
    naiveCode: naiveProblem?.code ?? null,
    naiveErrors,
}));
