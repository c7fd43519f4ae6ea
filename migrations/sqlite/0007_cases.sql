-- Cases: complaints and reports (投诉举报), petitions (信访) and objection-review applications
-- (规范性文件异议审查); their hash-chained record; the holiday calendar their clocks count with.

-- The unit above a unit (a department's government, a district's city), for routing and review.
ALTER TABLE agencies ADD COLUMN parent_id INTEGER REFERENCES agencies (id);

-- Powers an administrator grants to individual accounts beyond their role: the legal channel
-- (涉法涉诉) and discipline channel queues, and revealing a reporter's identity.
CREATE TABLE user_grants (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grant_name TEXT NOT NULL CHECK (grant_name IN ('legal_channel', 'discipline_channel', 'reveal_identity')),
    -- NULL: granted from the command line.
    granted_by INTEGER REFERENCES users (id),
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, grant_name)
);

-- The city's holiday calendar (data the administrator keeps each year): public holidays (days off)
-- and swapped working days (调休上班日). Weekends are rest days unless listed as working days.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY CHECK (length(day) = 10),
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);
-- 2026, as published by the State Council on 2025-11-04.
INSERT INTO calendar_days (day, kind, name) VALUES
    ('2026-01-01', 'holiday', '元旦'),
    ('2026-01-02', 'holiday', '元旦'),
    ('2026-01-03', 'holiday', '元旦'),
    ('2026-01-04', 'workday', '元旦调休上班'),
    ('2026-02-14', 'workday', '春节调休上班'),
    ('2026-02-15', 'holiday', '春节'),
    ('2026-02-16', 'holiday', '春节'),
    ('2026-02-17', 'holiday', '春节'),
    ('2026-02-18', 'holiday', '春节'),
    ('2026-02-19', 'holiday', '春节'),
    ('2026-02-20', 'holiday', '春节'),
    ('2026-02-21', 'holiday', '春节'),
    ('2026-02-22', 'holiday', '春节'),
    ('2026-02-23', 'holiday', '春节'),
    ('2026-02-28', 'workday', '春节调休上班'),
    ('2026-04-04', 'holiday', '清明节'),
    ('2026-04-05', 'holiday', '清明节'),
    ('2026-04-06', 'holiday', '清明节'),
    ('2026-05-01', 'holiday', '劳动节'),
    ('2026-05-02', 'holiday', '劳动节'),
    ('2026-05-03', 'holiday', '劳动节'),
    ('2026-05-04', 'holiday', '劳动节'),
    ('2026-05-05', 'holiday', '劳动节'),
    ('2026-05-09', 'workday', '劳动节调休上班'),
    ('2026-06-19', 'holiday', '端午节'),
    ('2026-06-20', 'holiday', '端午节'),
    ('2026-06-21', 'holiday', '端午节'),
    ('2026-09-20', 'workday', '国庆节调休上班'),
    ('2026-09-25', 'holiday', '中秋节'),
    ('2026-09-26', 'holiday', '中秋节'),
    ('2026-09-27', 'holiday', '中秋节'),
    ('2026-10-01', 'holiday', '国庆节'),
    ('2026-10-02', 'holiday', '国庆节'),
    ('2026-10-03', 'holiday', '国庆节'),
    ('2026-10-04', 'holiday', '国庆节'),
    ('2026-10-05', 'holiday', '国庆节'),
    ('2026-10-06', 'holiday', '国庆节'),
    ('2026-10-07', 'holiday', '国庆节'),
    ('2026-10-10', 'workday', '国庆节调休上班');

-- One case. Its current state is here; every step, with its reasons, is in case_events. Who filed
-- it is not: see case_parties.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    -- e.g. XF-2026-000042 (petition), TS-… (complaint or report), YY-… (objection review).
    number TEXT NOT NULL UNIQUE,
    -- SHA-256 of the query code (查询码) given to the filer once; number + code show the progress.
    query_code_hash TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'petition', 'objection')),
    petition_kind TEXT CHECK (petition_kind IN ('suggestion', 'accusation', 'claim')),
    matter TEXT NOT NULL,
    facts TEXT NOT NULL,
    request TEXT NOT NULL,
    -- The unit the matter concerns (the one reported on, for a report), chosen or named.
    concerned_agency_id INTEGER REFERENCES agencies (id),
    concerned_unit TEXT,
    -- The normative document an objection is about (title and number, e.g. 某府规〔2025〕3号).
    document_title TEXT,
    document_number TEXT,
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    status TEXT NOT NULL,
    -- ordinary queue, the legal channel (涉法涉诉) or the discipline/supervision channel.
    channel TEXT NOT NULL DEFAULT 'ordinary' CHECK (channel IN ('ordinary', 'legal', 'discipline')),
    -- The unit handling it now, and how it got there: transferred (转送) or assigned (交办).
    unit_id INTEGER REFERENCES agencies (id),
    routing TEXT CHECK (routing IN ('transfer', 'assign')),
    stage TEXT NOT NULL DEFAULT 'first' CHECK (stage IN ('first', 'review', 'rereview')),
    -- The current step's deadline (a Beijing date, YYYY-MM-DD), and since when it runs.
    due_on TEXT,
    step_started_at INTEGER,
    extended_days INTEGER NOT NULL DEFAULT 0,
    decision TEXT CHECK (decision IN ('support', 'explain', 'not_support')),
    decided_at INTEGER,
    supervised INTEGER NOT NULL DEFAULT 0 CHECK (supervised IN (0, 1)),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    -- An earlier case, accepted and in progress, that this filing repeats (same person, same matter).
    duplicate_of INTEGER REFERENCES cases (id),
    received_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX cases_by_status ON cases (channel, status);
CREATE INDEX cases_by_unit ON cases (unit_id, status);

-- Who filed a case, stored apart from it: the contact details sealed with the key from the
-- configuration (XChaCha20-Poly1305), and the filer's account only as a keyed hash, so neither can
-- be read, nor the case tied to a person, without the key.
CREATE TABLE case_parties (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id),
    filer_tag TEXT,
    sealed TEXT NOT NULL
);
CREATE INDEX case_parties_by_filer ON case_parties (filer_tag);

-- Every reveal of a filer's identity: who, why, when.
CREATE TABLE identity_reveals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    revealed_at INTEGER NOT NULL
);

-- Files sent with a case, stored outside the web root under their random id.
CREATE TABLE case_attachments (
    id TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_attachments_by_case ON case_attachments (case_id);

-- The record of every step of every case, append-only and hash-chained: each entry's hash covers
-- the previous entry's hash, so changing or removing any row breaks the chain from there on.
CREATE TABLE case_events (
    seq INTEGER PRIMARY KEY CHECK (seq > 0),
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    -- Shown to the filer (and anyone with the number and query code) or internal.
    public INTEGER NOT NULL CHECK (public IN (0, 1)),
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, seq);

-- The head of the chain: one row, updated with each entry (which also serialises the entries).
CREATE TABLE case_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO case_chain (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The record is append-only for the application too: changing or removing an entry is refused.
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
