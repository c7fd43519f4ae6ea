-- Published clean-ups of normative documents are in the search: their changes are recorded in
-- search_changes too.
ALTER TABLE search_changes DROP CONSTRAINT search_changes_entity_check;
ALTER TABLE search_changes ADD CONSTRAINT search_changes_entity_check
    CHECK (entity IN ('consultation', 'comment', 'case', 'document', 'call', 'proposal', 'cleanup'));
