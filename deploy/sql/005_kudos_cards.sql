-- 005 · Cards, one row each (the project's own table, written by the board grain through Npgsql).
--
-- A board grain is the only writer of its cards: a post is one INSERT, an edit one UPDATE, a removal one
-- DELETE, so the cost of a post does not grow with the number of cards on the board (before this table the
-- cards were part of the board's grain state, rewritten whole on every post). The board's own state, in
-- OrleansStorage, stays small. Sealing is the grain's rule: this table is never read by anything else.
--
-- request_id, request_fingerprint: the Idempotency-Key request that posted the card (the card's id is derived
-- from it) and its content fingerprint, so a retry is recognised without a write to the board.

CREATE TABLE IF NOT EXISTS kudos_card
(
    board_id            uuid        NOT NULL,
    card_id             uuid        NOT NULL,
    author_name         text        NOT NULL,
    message             text        NOT NULL,
    key_hash            text        NOT NULL,
    created_at          timestamptz NOT NULL,
    edited_at           timestamptz NULL,
    request_id          text        NULL,
    request_fingerprint text        NULL,

    CONSTRAINT pk_kudos_card PRIMARY KEY (board_id, card_id)
);
