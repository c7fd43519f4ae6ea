-- Several server nodes on one database.

-- Background work that must run on one node at a time: the node that moves next_run on runs it.
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    next_run INTEGER NOT NULL
);

-- How far each node's search index has applied the change records, for operators.
CREATE TABLE search_nodes (
    node TEXT PRIMARY KEY,
    applied INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Change records up to this id have been pruned; a node whose index is behind it rebuilds.
CREATE TABLE search_pruned (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through INTEGER NOT NULL
);
INSERT INTO search_pruned (id, through) VALUES (1, 0);

-- The maintenance job finds records past their retention by age.
CREATE INDEX search_changes_by_time ON search_changes (created_at);
