-- Change records for the search indexer, written in the same transaction as the change itself.
-- The indexer applies them in id order and stores the last applied id in its own commit.
CREATE TABLE search_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity TEXT NOT NULL CHECK (entity IN ('consultation', 'comment')),
    entity_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
