-- 014: the knowledge base (知识库): standard answers and policy entries in
-- Chinese and English, optionally tied to a category code (any level).
-- categories.kb_answer stays the category's own short default answer.
CREATE TABLE kb_entries (
    id          INTEGER PRIMARY KEY,
    ref         TEXT UNIQUE,            -- optional stable key: imports update in place
    kind        TEXT NOT NULL,          -- answer | policy
    category    TEXT,                   -- a category code (prefix of the cases it applies to)
    title       TEXT NOT NULL DEFAULT '',
    title_en    TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    body_en     TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    source_url  TEXT NOT NULL DEFAULT '',
    valid_from  INTEGER,
    valid_to    INTEGER,
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX kb_entries_category ON kb_entries(category, kind) WHERE category IS NOT NULL;

-- search as for cases: substrings of 3+ characters through the trigram
-- tokenizer, 1-2 character words through every 1- and 2-character gram of
-- the texts as tokens; rowid = kb_entries.id, one column per language so a
-- search can keep to one (keywords count for both)
CREATE VIRTUAL TABLE kb_fts USING fts5(zh, en, keywords, tokenize = 'trigram');
CREATE VIRTUAL TABLE kb_grams USING fts5(zh, en, keywords,
                                         tokenize = 'unicode61 remove_diacritics 0');
