-- Published clean-ups of normative documents are in the search: their changes are recorded in
-- search_changes too. As in 0026:
-- SQLite cannot widen a CHECK in place, so the table is rebuilt. Its AUTOINCREMENT counter is
-- carried over (by a placeholder row at the old counter, removed again): new change ids must stay
-- above every id an index has already applied, even when the records themselves were pruned.
CREATE TABLE search_changes_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL CHECK (entity IN ('consultation', 'comment', 'case', 'document', 'call', 'proposal', 'cleanup')),
    entity_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO search_changes_new (id, entity, entity_id, created_at)
    SELECT id, entity, entity_id, created_at FROM search_changes;
INSERT INTO search_changes_new (id, entity, entity_id, created_at)
    SELECT seq, 'case', 0, 0 FROM sqlite_sequence
    WHERE name = 'search_changes' AND seq NOT IN (SELECT id FROM search_changes_new);
DELETE FROM search_changes_new WHERE id NOT IN (SELECT id FROM search_changes);
DROP TABLE search_changes;
ALTER TABLE search_changes_new RENAME TO search_changes;
CREATE INDEX search_changes_by_time ON search_changes (created_at);
