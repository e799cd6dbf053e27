"""Reads that describe a school's schema: what a backup records and a restore is checked against."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.db import connection


def schema_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT table_name FROM information_schema.tables
                          WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name""",
                       [schema])
        return [row[0] for row in cursor.fetchall()]


def table_checksums(schema: str) -> dict[str, dict]:
    """Row count and md5 of every row of every table, nothing excluded.

    Each row is hashed on its own, then the sorted row hashes are hashed: no value ever holds a whole
    table's text (PostgreSQL caps a value at 1 GB: a big table made the school impossible to back
    up), and sorting the hashes under "C" needs no knowledge of each table's key and gives the same
    checksum on any cluster whatever its default collation. Backup and restore both use this.
    """
    result = {}
    with connection.cursor() as cursor:
        for table in schema_tables(schema):
            cursor.execute(
                f"""SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''))
                    FROM (SELECT md5(t::text) AS h FROM "{schema}"."{table}" t) per_row"""
            )
            count, digest = cursor.fetchone()
            result[table] = {"rows": count, "md5": digest}
    return result


def rows_as_json(table: str, pks) -> list[dict]:
    """Rows of a public table exactly as stored (encrypted columns stay encrypted), ordered by id.

    Numbers with a fraction are read as Decimal, never float (money: 1234567.89 must come back as
    written); they are written out as their text (default=str), which json_populate_record reads
    back into the numeric column unchanged."""
    if not pks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT row_to_json(t)::text FROM public."{table}" t WHERE t.id = ANY(%s) ORDER BY t.id',
                       [list(pks)])
        return [json.loads(row[0], parse_float=Decimal) for row in cursor.fetchall()]


def rows_digest(rows: list[dict]) -> str:
    """Over the rows as shared.json writes them: a Decimal and its text give the same digest, so the
    rows read back from shared.json digest as the rows that were read from the database."""
    text = json.dumps(sorted(rows, key=lambda r: r["id"]), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
