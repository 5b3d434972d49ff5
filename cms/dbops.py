"""Migration operations that only apply on PostgreSQL (SQLite keeps working without them)."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str) -> PostgresOnlySQL:
    """A pg_trgm GIN index so that ``icontains`` on Chinese text uses an index on PostgreSQL."""
    name = f"{table}_{column}_trgm"[:63]
    return PostgresOnlySQL(
        sql=[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)',
        ],
        reverse_sql=[f'DROP INDEX IF EXISTS "{name}"'],
    )
