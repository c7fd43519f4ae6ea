-- The application's own PostgreSQL role: it reads and writes the data, but cannot change or remove
-- the case record (case_events), nor drop its guards. Run as the database owner after `canyu migrate`
-- (which the owner runs, for every upgrade); then give canyu a URL with this role. Replace
-- canyu_app and the password with your own.
CREATE ROLE canyu_app LOGIN PASSWORD 'change-me';
GRANT USAGE ON SCHEMA public TO canyu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO canyu_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO canyu_app;
-- The records (cases; administration and powers): appended to, never rewritten, removed or emptied.
REVOKE UPDATE, DELETE, TRUNCATE ON case_events, admin_events FROM canyu_app;
-- Migrations stay with the owner.
REVOKE CREATE ON SCHEMA public FROM canyu_app;
