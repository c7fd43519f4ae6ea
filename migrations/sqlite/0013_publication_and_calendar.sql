-- When the public could first see a consultation (its comment window counts from then, never from a
-- start date in the past), and what each running case deadline was counted from, so a change to the
-- holiday calendar can count it again.

ALTER TABLE consultations ADD COLUMN published_at INTEGER;
UPDATE consultations SET published_at = created_at;

-- The event date (YYYY-MM-DD) and period ("calendar_days:60", "working_days:15") the current step's
-- deadline was counted from; NULL when it was set by hand (an assigning officer's date).
ALTER TABLE cases ADD COLUMN due_from TEXT;
ALTER TABLE cases ADD COLUMN due_period TEXT;
