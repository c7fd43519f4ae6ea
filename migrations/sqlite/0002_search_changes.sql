-- Change records for the search indexer, written in the same transaction as the change itself.
-- The indexer applies them in id order and stores the last applied id in its own commit.
CREATE TABLE search_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL CHECK (entity IN ('consultation', 'comment')),
    entity_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
