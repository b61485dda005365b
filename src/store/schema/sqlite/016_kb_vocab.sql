-- 016: the terms the knowledge base's two indexes hold, readable as tables
-- (fts5vocab keeps no data of its own). Intake's suggestions look up only the
-- terms of a report that some entry holds (store/sq_vocab.c); kb.version
-- counts changes to the entries, so a server notices another process's.
CREATE VIRTUAL TABLE kb_fts_vocab USING fts5vocab(kb_fts, row);
CREATE VIRTUAL TABLE kb_grams_vocab USING fts5vocab(kb_grams, row);
INSERT INTO settings(key, value) VALUES ('kb.version', '0');
