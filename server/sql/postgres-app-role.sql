-- The application's own PostgreSQL role: it reads and writes the data, but cannot change or remove
-- the records (case_events; admin_events, the administration and powers), nor drop their guards.
-- Run as the database owner after `canyu migrate`, and again after every upgrade's migrate (new
-- tables need their grants; running it twice changes nothing). Then give canyu a URL with this
-- role. Replace canyu_app and the password with your own.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'canyu_app') THEN
        CREATE ROLE canyu_app LOGIN PASSWORD 'change-me';
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO canyu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO canyu_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO canyu_app;
-- The records: appended to, never rewritten, removed or emptied.
REVOKE UPDATE, DELETE, TRUNCATE ON case_events, admin_events FROM canyu_app;
-- Migrations stay with the owner.
REVOKE CREATE ON SCHEMA public FROM canyu_app;
