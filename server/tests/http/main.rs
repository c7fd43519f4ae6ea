//! Integration tests: the real server on 127.0.0.1 with a fresh SQLite file per test, over HTTP.
mod accounts;
mod api;
mod binary;
mod cases;
mod comments;
mod consultations;
mod diskfull;
mod edges;
mod feedback;
mod harness;
mod load;
mod mail;
mod nodes;
mod record_role;
mod report;
mod search;
mod security;
