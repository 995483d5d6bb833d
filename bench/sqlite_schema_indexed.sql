-- Like sqlite_schema.sql, but with the storage layout cxpulse itself uses for
-- responses: a WITHOUT ROWID table keyed by id plus an index on customer.
-- Only for an informational import row: it shows how much of the import time is
-- the layout (the customer index takes inserts in random order) rather than cxpulse.
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
) WITHOUT ROWID;
CREATE INDEX responses_customer ON responses(customer);
