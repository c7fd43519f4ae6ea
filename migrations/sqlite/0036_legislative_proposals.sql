-- Legislative project proposals (立法项目建议征集): before the annual legislative plan, the
-- legal-affairs office opens a call; the public proposes subjects (what, which problem, how), each
-- with a receipt, moderated like comments; the office gives each published proposal a disposition
-- (included in the plan, included for study, not included, with a reason) and publishes the
-- outcome with the plan. A plan item links forward to the consultations drafting it.
CREATE TABLE proposal_calls (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    plan_year INTEGER NOT NULL,
    description TEXT NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL CHECK (closes_at > opens_at),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    -- the outcome report's text, and when it was published with the plan (then nothing changes)
    outcome TEXT,
    published_at INTEGER
);
CREATE INDEX proposal_calls_newest ON proposal_calls (opens_at, id);

CREATE TABLE plan_items (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES proposal_calls (id),
    title TEXT NOT NULL,
    -- project (正式项目), preparatory (预备项目), study (调研项目)
    kind TEXT NOT NULL CHECK (kind IN ('project', 'preparatory', 'study')),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    note TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_items_of_call ON plan_items (call_id, id);

-- A consultation drafts at most one plan item.
CREATE TABLE plan_item_consultations (
    plan_item_id INTEGER NOT NULL REFERENCES plan_items (id),
    consultation_id INTEGER NOT NULL UNIQUE REFERENCES consultations (id),
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (plan_item_id, consultation_id)
);

CREATE TABLE legislative_proposals (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    call_id INTEGER NOT NULL REFERENCES proposal_calls (id),
    -- NULL once the author deleted their account (the proposal stays on the public record)
    author_id INTEGER REFERENCES users (id),
    subject TEXT NOT NULL,
    problem TEXT NOT NULL,
    approach TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    moderation_reason TEXT,
    disposition TEXT CHECK (disposition IN ('included', 'study', 'not_included')),
    disposition_reason TEXT,
    plan_item_id INTEGER REFERENCES plan_items (id),
    created_at INTEGER NOT NULL,
    CHECK (disposition IS NULL OR status = 'approved'),
    CHECK ((disposition = 'included') = (plan_item_id IS NOT NULL))
);
CREATE INDEX legislative_proposals_of_call ON legislative_proposals (call_id, status, id);
CREATE INDEX legislative_proposals_of_author ON legislative_proposals (author_id, id);
