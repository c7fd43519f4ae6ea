-- The deadline (YYYY-MM-DD) whose coming the staff who owe a case's step were last told of: each
-- deadline is told once, however often the reminder job runs; a new deadline is told again.
ALTER TABLE cases ADD COLUMN reminded_due_on TEXT;
