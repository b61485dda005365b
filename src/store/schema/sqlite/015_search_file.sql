-- 015: the case search index moves out of the database into its own file,
-- "<db>.search", written by its own thread after intake commits instead of
-- inside the intake transaction (store/sq_index.c). search_id ties that file
-- to this database: a file made for another one is rebuilt.
DROP TABLE cases_fts;
DROP TABLE cases_grams;
INSERT INTO settings(key, value) VALUES ('search_id', lower(hex(randomblob(16))));
