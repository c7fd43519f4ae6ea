-- A published draft's wording corrected by its agency, with a public note and what changed (the
-- before-and-after of each corrected part, kept as JSON at the time of the correction).
ALTER TABLE consultation_changes DROP CONSTRAINT consultation_changes_kind_check;
ALTER TABLE consultation_changes ADD CONSTRAINT consultation_changes_kind_check
    CHECK (kind IN ('extended', 'withdrawn', 'corrected'));
ALTER TABLE consultation_changes ADD COLUMN detail TEXT;
