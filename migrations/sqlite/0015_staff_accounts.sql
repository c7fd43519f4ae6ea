-- A staff account the administrator has stopped: it cannot sign in and its sessions are ended.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
