-- Table for the sqlite3 comparison: the CSV's columns, id as primary key.
-- WAL with synchronous=NORMAL, as cxpulse opens its own store for an import.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE responses (
  id         TEXT PRIMARY KEY,
  customer   TEXT NOT NULL,
  time       TEXT NOT NULL,
  metric     TEXT NOT NULL,
  score      INTEGER NOT NULL,
  channel    TEXT,
  touchpoint TEXT,
  lang       TEXT,
  comment    TEXT,
  product    TEXT
);
