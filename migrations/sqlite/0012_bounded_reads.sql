-- What the public case statistics count, and the published report's revised-draft comparison,
-- kept when they happen instead of recomputed from every row on every view.

-- Per case, what the statistics page counts, written as the case is filed, accepted and decided,
-- so the page is one GROUP BY over cases instead of every case and event read per request. It is
-- derived from the case and its record (which the record check covers), not part of them: cases
-- filed before this table existed get their row at the next start, from their record.
CREATE TABLE case_stats (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id),
    -- YYYY-MM of receipt, Beijing time.
    received_month TEXT NOT NULL CHECK (length(received_month) = 7),
    -- A unit accepted the case (at any time).
    accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
    -- Whether the case's first decision met its deadline; NULL until it is decided.
    first_decision_on_time INTEGER CHECK (first_decision_on_time IN (0, 1))
);
CREATE INDEX case_stats_by_month ON case_stats (received_month);

-- The published report's revised draft compared with the consulted one (JSON), computed once at
-- publication: neither text changes after that.
CREATE TABLE report_revisions (
    consultation_id INTEGER PRIMARY KEY REFERENCES consultations (id),
    revisions TEXT NOT NULL,
    computed_at INTEGER NOT NULL
);
