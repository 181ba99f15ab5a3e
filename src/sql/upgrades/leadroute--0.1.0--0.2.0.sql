-- leadroute 0.1.0 -> 0.2.0. ALTER EXTENSION leadroute UPDATE runs this; a fresh install of 0.2.0
-- runs the whole script built from src/sql/. The two must end in the same schema:
-- test/upgrade/run.sh compares them.
\echo Use "ALTER EXTENSION leadroute UPDATE" to load this file. \quit
