-- 011 · Pictures on cards, the author's optional address, reactions.
--
-- kudos_card gains:
--   author_email  the address a contributor left when posting (optional): their receipt, the "delivered" email and the
--                 recipient's thanks go there. Never shown to other readers.
--   images        the card's pictures as a JSON array of {Id, ContentType, Width, Height, Length}; the bytes are rows of
--                 kudos_card_image. Written in the same statement as the image row it lists (a CTE), so a card never
--                 lists a picture that is not stored and a stored picture always belongs to a card.
--   reactions     the readers' reactions after delivery, a JSON array of {Reaction, By}.
-- kudos_card_image holds the pictures as the API re-encoded them (metadata stripped, dimensions bounded); the bytes a
-- contributor uploaded are never stored. Like kudos_card, it is read and written by the board grain alone, which
-- applies the sealing rules (an author's own pictures until delivery, every reader's after).
ALTER TABLE kudos_card ADD COLUMN IF NOT EXISTS author_email text NULL;
ALTER TABLE kudos_card ADD COLUMN IF NOT EXISTS images jsonb NULL;
ALTER TABLE kudos_card ADD COLUMN IF NOT EXISTS reactions jsonb NULL;

CREATE TABLE IF NOT EXISTS kudos_card_image
(
    board_id     uuid        NOT NULL,
    image_id     uuid        NOT NULL,
    card_id      uuid        NOT NULL,
    content_type text        NOT NULL,
    bytes        bytea       NOT NULL,
    created_at   timestamptz NOT NULL,

    CONSTRAINT pk_kudos_card_image PRIMARY KEY (board_id, image_id)
);
