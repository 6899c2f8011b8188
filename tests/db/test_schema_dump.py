"""db/schema.sql is what a fresh migrate makes: a migration or function file that changes the
schema shows up as a diff of that file in review (`make schema` writes it)."""

import difflib

from ops import schema_dump


def test_a_fresh_migrate_makes_exactly_the_committed_schema(database_url):
    made = schema_dump.dump(database_url)
    committed = schema_dump.SCHEMA_FILE.read_text()
    if made != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), made.splitlines(), "db/schema.sql", "fresh migrate", n=2
        )
        shown = "\n".join(list(diff)[:80])
        raise AssertionError(
            "the schema a fresh migrate makes differs from db/schema.sql; if the change is"
            f" meant, run `make schema` and commit it:\n{shown}"
        )


def test_the_dump_leaves_out_what_differs_between_runs(database_url):
    made = schema_dump.dump(database_url)
    assert "Dumped by" not in made
    assert "leaderboard functions" not in made  # the functions' hash; the dump has them whole
    assert "CREATE FUNCTION lb.submit_score" in made
    assert "GRANT ALL ON FUNCTION lb.submit_score" in made or "GRANT EXECUTE" not in made
