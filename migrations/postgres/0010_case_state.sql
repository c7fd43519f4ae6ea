-- What the case was after each step (a keyed digest of its row, its sealed identity and its files'
-- hashes), so rewriting a case's facts, channel, decision, rating, unit or identity in the
-- database is caught by the record check. Empty for entries made before it was recorded.
ALTER TABLE case_events ADD COLUMN state TEXT;
