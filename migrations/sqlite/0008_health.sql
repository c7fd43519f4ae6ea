-- One row that the health check rewrites: proof that the database takes writes right now (a full
-- disk fails it), not only that it answers.
CREATE TABLE health_probe (id INTEGER PRIMARY KEY, checked_at BIGINT NOT NULL);
INSERT INTO health_probe (id, checked_at) VALUES (1, 0);
