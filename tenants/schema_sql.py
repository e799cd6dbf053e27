"""Replayable SQL of ONE schema, read from that schema's own catalog rows only.

Replaces ``pg_dump --schema=<one>`` for the template snapshot and the per-school backups: pg_dump
reads the catalog of the whole database before it writes anything (3.4 s for one school at 20
schools, 203 s at 3,944, bench/RESULTS.md), so its cost grew with the number of schools. Every
catalog query here is bounded by the namespace's OID (pg_depend's reference index: what
``DROP SCHEMA … CASCADE`` itself follows) or by the OIDs of the schema's relations (the catalogs'
own per-relation indexes); tests/tenants/test_schema_sql.py checks each has an index path.

What it writes (the same as the pg_dump options used before: no owners, no privileges):
tables (columns with format_type, named NOT NULL constraints, defaults, collations, identity
columns with their sequence options, generated columns, unlogged, storage options), free-standing
sequences (and OWNED BY), the rows as multi-row INSERTs whose literals the server renders
(quote_nullable: the exact text form of every type), sequence positions (setval), then primary
keys, unique/exclusion and check constraints, indexes (pg_get_indexdef: partial, expression,
operator classes) and foreign keys (pg_get_constraintdef, with the deferrable options, to this
schema or to public), CLUSTER ON, and comments on tables, columns, indexes, sequences and
constraints.

What it refuses (SchemaNotWritable, nothing written): anything else in the schema — views,
materialized views, functions, types, domains, collations, operators, text search objects,
extensions, partitioned or inherited tables, triggers, rules, row-level security, extended
statistics… — rather than leave it out of a snapshot or a backup silently.

Names are written qualified with the source schema (search_path is empty while the catalog is
read, as pg_dump does); tenants.template.rewrite_schema puts the target schema in at replay. Every
row of data is one line starting with a tab and "(", with newlines inside values written as E''
escapes, so a replay can leave the data alone when it rewrites the schema name.
"""
from __future__ import annotations

import io
import re
from typing import TextIO

from django.db import connection, transaction

HEADER = "-- EduUnion schema SQL v1 (tenants.schema_sql)"
ROWS_PER_INSERT = 500
ROW_PREFIX = "\t("

# relkinds the writer knows: ordinary tables and sequences (indexes have no namespace dependency
# of their own; they are read through their tables)
_RELKINDS = {"r": "table", "S": "sequence"}
_KIND_NAMES = {"v": "视图", "m": "物化视图", "p": "分区表", "f": "外部表", "c": "复合类型", "i": "索引",
               "I": "分区索引", "t": "TOAST 表"}


class SchemaNotWritable(RuntimeError):
    """The schema holds something the writer cannot reproduce (message in Chinese)."""


def _literal(value: str) -> str:
    """A quote_nullable() result, kept on one line: newlines become E'' escapes."""
    if "\n" not in value and "\r" not in value:
        return value
    if value.startswith("E'"):  # backslashes already doubled by the server
        body = value[2:-1]
    else:
        body = value[1:-1].replace("\\", "\\\\")
    return "E'" + body.replace("\n", "\\n").replace("\r", "\\r") + "'"


def _in_transaction() -> bool:
    import psycopg2.extensions

    # an atomic block (psycopg2 sends BEGIN with its first statement) or a BEGIN sent by hand
    # (the backup's REPEATABLE READ READ ONLY transaction)
    if connection.in_atomic_block:
        return True
    connection.ensure_connection()
    return (connection.connection.info.transaction_status
            != psycopg2.extensions.TRANSACTION_STATUS_IDLE)


def schema_sql(schema: str) -> str:
    """The SQL of ``schema`` as a string (its own transaction unless one is open)."""
    out = io.StringIO()
    if _in_transaction():
        write_schema_sql(schema, out)
    else:
        with transaction.atomic():
            write_schema_sql(schema, out)
    return out.getvalue()


def write_schema_sql(schema: str, out: TextIO) -> None:
    """Write the SQL of ``schema`` to ``out``; call inside a transaction (its snapshot is what is
    written: the backup's REPEATABLE READ one)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise SchemaNotWritable(f"架构名“{schema}”不是小写标识符，无法导出。")
    if not _in_transaction():
        raise SchemaNotWritable("导出架构须在事务中进行。")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        previous_path = cursor.fetchone()[0]
        # Local to the transaction: every name qualified (search_path empty), values in forms
        # any session reads back the same (ISO dates, shortest exact floats, hex bytea).
        cursor.execute("""SELECT set_config('search_path', '', true), set_config('DateStyle', 'ISO, YMD', true),
                                 set_config('IntervalStyle', 'postgres', true),
                                 set_config('extra_float_digits', '1', true),
                                 set_config('bytea_output', 'hex', true)""")
        try:
            _Writer(cursor, schema, out).write()
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [previous_path])


class _Writer:
    def __init__(self, cursor, schema: str, out: TextIO):
        self.cursor, self.schema, self.out = cursor, schema, out

    def rows(self, sql: str, params=None) -> list[tuple]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    # ------------------------------------------------------------------------------------ catalog

    def read_catalog(self) -> None:
        found = self.rows("SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s", [self.schema])
        if not found:
            raise SchemaNotWritable(f"数据库架构“{self.schema}”不存在。")
        self.nsp = found[0][0]
        # Everything that lives in the schema has a dependency on it (what DROP SCHEMA CASCADE
        # follows): pg_depend_reference_index, never a scan of pg_class.
        objects = self.rows("""
            SELECT d.classid::regclass::text, d.objid, c.relkind, c.relname, quote_ident(c.relname),
                   c.relpersistence, c.reloptions, c.relrowsecurity OR c.relforcerowsecurity,
                   c.relispartition OR c.relhassubclass, c.relhasrules, c.relreplident,
                   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
            FROM pg_catalog.pg_depend d
            LEFT JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid
            WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = %s AND d.deptype = 'n'
            ORDER BY c.relname, d.objid""", [self.nsp])
        unknown = []
        self.tables, self.sequences = [], []  # (oid, quoted name, row)
        for (classid, oid, relkind, relname, quoted, persistence, options, rls, inherits, rules, replident,
             description) in objects:
            if classid != "pg_class" or relkind not in _RELKINDS:
                kind = _KIND_NAMES.get(relkind, "") if classid == "pg_class" else ""
                unknown.append(f"{kind}{description}")
                continue
            if rls:
                unknown.append(f"行级安全策略（{description}）")
            if inherits:
                unknown.append(f"继承或分区（{description}）")
            if rules:
                unknown.append(f"规则（{description}）")
            if relkind == "r" and replident != "d":
                unknown.append(f"复制标识（{description}）")
            entry = {"oid": oid, "name": relname, "quoted": quoted, "unlogged": persistence == "u",
                     "options": options}
            (self.tables if relkind == "r" else self.sequences).append(entry)
        table_oids = [t["oid"] for t in self.tables]
        # triggers (not the foreign keys' internal ones), policies and statistics objects on the tables
        for (description,) in self.rows("""
                SELECT '触发器 ' || tgname || '（' || tgrelid::regclass::text || '）' FROM pg_catalog.pg_trigger
                 WHERE tgrelid = ANY(%s) AND NOT tgisinternal
                UNION ALL
                SELECT '行级安全策略 ' || polname FROM pg_catalog.pg_policy WHERE polrelid = ANY(%s)
                UNION ALL
                SELECT '扩展统计 ' || stxname FROM pg_catalog.pg_statistic_ext WHERE stxrelid = ANY(%s)
                UNION ALL
                SELECT '继承表 ' || inhrelid::regclass::text FROM pg_catalog.pg_inherits WHERE inhrelid = ANY(%s)""",
                                        [table_oids] * 4):
            unknown.append(description)
        if unknown:
            shown = "；".join(unknown[:10]) + (f" 等 {len(unknown)} 项" if len(unknown) > 10 else "")
            raise SchemaNotWritable(f"数据库架构“{self.schema}”含有导出程序不支持的对象：{shown}。"
                                    f"为避免不完整的快照或备份，未导出。")

        self.columns = {oid: [] for oid in table_oids}
        for row in self.rows("""
                SELECT a.attrelid, a.attnum, quote_ident(a.attname), pg_catalog.format_type(a.atttypid, a.atttypmod),
                       a.attnotnull, a.attidentity, a.attgenerated,
                       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
                       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                       a.attstorage <> t.typstorage OR a.attcompression <> '' OR a.attstattarget IS NOT NULL
                           OR a.attoptions IS NOT NULL
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
                LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum""", [table_oids]):
            (relid, attnum, name, type_, notnull, identity, generated, default, collation, unusual) = row
            if unusual:
                unknown.append(f"列 {name} 的存储/统计选项")
            self.columns[relid].append({"attnum": attnum, "name": name, "type": type_, "notnull": notnull,
                                        "identity": identity, "generated": generated, "default": default,
                                        "collation": collation})

        self.constraints = self.rows("""
            SELECT c.oid, c.conrelid, c.contype, quote_ident(c.conname), pg_catalog.pg_get_constraintdef(c.oid),
                   c.conindid, c.convalidated, c.connoinherit, c.conkey
            FROM pg_catalog.pg_constraint c
            WHERE c.conrelid = ANY(%s)
            ORDER BY c.conrelid::regclass::text, c.conname""", [table_oids])
        for _, _, contype, name, _, _, validated, noinherit, _ in self.constraints:
            if contype not in "pufcxn":
                unknown.append(f"约束 {name}（类型 {contype}）")
            if contype == "n" and not validated:
                unknown.append(f"未验证的非空约束 {name}")

        self.indexes = self.rows("""
            SELECT i.indexrelid, i.indrelid, quote_ident(ic.relname), pg_catalog.pg_get_indexdef(i.indexrelid),
                   i.indisclustered, i.indisvalid AND i.indisready
            FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s)
            ORDER BY i.indrelid::regclass::text, ic.relname""", [table_oids])
        for _, _, name, _, _, valid in self.indexes:
            if not valid:
                unknown.append(f"未完成的索引 {name}")

        sequence_oids = [s["oid"] for s in self.sequences]
        self.sequence_options = {
            oid: options for oid, *options in self.rows("""
                SELECT seqrelid, pg_catalog.format_type(seqtypid, NULL), seqstart, seqincrement, seqmin, seqmax,
                       seqcache, seqcycle
                FROM pg_catalog.pg_sequence WHERE seqrelid = ANY(%s)""", [sequence_oids])}
        # identity ('i') and OWNED BY ('a') sequences: which column they belong to
        self.sequence_owner = {oid: (deptype, table, attnum) for oid, deptype, table, attnum in self.rows("""
            SELECT objid, deptype, refobjid, refobjsubid FROM pg_catalog.pg_depend
            WHERE classid = 'pg_catalog.pg_class'::regclass AND objid = ANY(%s) AND objsubid = 0
              AND refclassid = 'pg_catalog.pg_class'::regclass AND deptype IN ('a', 'i')""", [sequence_oids])}

        relation_oids = table_oids + sequence_oids + [i[0] for i in self.indexes]
        constraint_oids = [c[0] for c in self.constraints if c[2] != "n"]
        self.comments = self.rows("""
            SELECT d.classoid::regclass::text, d.objoid, d.objsubid, quote_literal(d.description)
            FROM pg_catalog.pg_description d
            WHERE d.objoid = ANY(%s) AND d.classoid = 'pg_catalog.pg_class'::regclass
               OR d.objoid = ANY(%s) AND d.classoid = 'pg_catalog.pg_constraint'::regclass
            ORDER BY 1, pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid)""",
            [relation_oids, constraint_oids])
        if unknown:
            raise SchemaNotWritable(f"数据库架构“{self.schema}”含有导出程序不支持的对象：{'；'.join(unknown[:10])}。"
                                    f"为避免不完整的快照或备份，未导出。")

    # -------------------------------------------------------------------------------------- write

    def qualified(self, quoted: str) -> str:
        return f"{self.schema}.{quoted}"

    def sequence_clause(self, oid: int, *, identity: bool = False) -> str:
        type_, start, increment, minimum, maximum, cache, cycle = self.sequence_options[oid]
        # an identity sequence takes its column's type (AS would conflict)
        return (f"{'' if identity else f'AS {type_} '}START WITH {start} INCREMENT BY {increment} MINVALUE {minimum} "
                f"MAXVALUE {maximum} CACHE {cache}{' CYCLE' if cycle else ' NO CYCLE'}")

    def write(self) -> None:
        self.read_catalog()
        self.line(HEADER)
        self.line(f"-- schema {self.schema}: {len(self.tables)} tables, {len(self.sequences)} sequences")
        by_oid = {t["oid"]: t for t in self.tables}
        identity_of = {}  # (table oid, attnum) -> sequence
        for sequence in self.sequences:
            owner = self.sequence_owner.get(sequence["oid"])
            if owner and owner[0] == "i":
                identity_of[(owner[1], owner[2])] = sequence
            else:
                self.line(f"CREATE SEQUENCE {self.qualified(sequence['quoted'])} "
                          f"{self.sequence_clause(sequence['oid'])};")
        not_null = {}
        for _, relid, contype, name, _, _, _, noinherit, key in self.constraints:
            if contype == "n":
                not_null[(relid, key[0])] = f"CONSTRAINT {name} NOT NULL{' NO INHERIT' if noinherit else ''}"

        for table in self.tables:
            parts = []
            for column in self.columns[table["oid"]]:
                text = f"{column['name']} {column['type']}"
                if column["collation"]:
                    text += f" COLLATE {column['collation']}"
                if column["generated"]:
                    kind = "STORED" if column["generated"] == "s" else "VIRTUAL"
                    text += f" GENERATED ALWAYS AS ({column['default']}) {kind}"
                elif column["default"] is not None:
                    text += f" DEFAULT {column['default']}"
                key = (table["oid"], column["attnum"])
                if key in not_null:
                    text += " " + not_null[key]
                elif column["notnull"]:
                    text += " NOT NULL"
                if column["identity"]:
                    sequence = identity_of[key]
                    how = "ALWAYS" if column["identity"] == "a" else "BY DEFAULT"
                    text += (f" GENERATED {how} AS IDENTITY (SEQUENCE NAME {self.qualified(sequence['quoted'])} "
                             f"{self.sequence_clause(sequence['oid'], identity=True)})")
                parts.append(text)
            options = f" WITH ({', '.join(table['options'])})" if table["options"] else ""
            self.line(f"CREATE {'UNLOGGED ' if table['unlogged'] else ''}TABLE {self.qualified(table['quoted'])} "
                      f"({', '.join(parts)}){options};")
        for sequence in self.sequences:
            owner = self.sequence_owner.get(sequence["oid"])
            if owner and owner[0] == "a":
                column = next(c for c in self.columns[owner[1]] if c["attnum"] == owner[2])
                self.line(f"ALTER SEQUENCE {self.qualified(sequence['quoted'])} OWNED BY "
                          f"{self.qualified(by_oid[owner[1]]['quoted'])}.{column['name']};")

        self.write_rows()
        self.write_sequence_positions()

        constraints_by_kind = {kind: [c for c in self.constraints if c[2] == kind] for kind in "pufcx"}
        backing = {c[5] for c in self.constraints if c[2] in "pux"}
        for kind in "puxc":
            for _, relid, _, name, definition, _, _, _, _ in constraints_by_kind[kind]:
                self.line(f"ALTER TABLE ONLY {self.qualified(by_oid[relid]['quoted'])} "
                          f"ADD CONSTRAINT {name} {definition};")
        for indexrelid, _, _, definition, _, _ in self.indexes:
            if indexrelid not in backing:
                self.line(f"{definition};")
        for _, relid, _, name, definition, _, _, _, _ in constraints_by_kind["f"]:
            self.line(f"ALTER TABLE ONLY {self.qualified(by_oid[relid]['quoted'])} "
                      f"ADD CONSTRAINT {name} {definition};")
        for _, relid, name, _, clustered, _ in self.indexes:
            if clustered:
                self.line(f"ALTER TABLE {self.qualified(by_oid[relid]['quoted'])} CLUSTER ON {name};")
        self.write_comments(by_oid)

    def write_rows(self) -> None:
        tables = [t for t in self.tables
                  if any(not c["generated"] for c in self.columns[t["oid"]])]
        if not tables:
            return
        # one statement says which tables have rows (most of a template's are empty)
        probe = " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {self.qualified(t['quoted'])})" for i, t in enumerate(tables))
        filled = [tables[i] for (i,) in self.rows(probe)]
        for table in filled:
            columns = [c for c in self.columns[table["oid"]] if not c["generated"]]
            overriding = " OVERRIDING SYSTEM VALUE" if any(c["identity"] == "a" for c in columns) else ""
            head = (f"INSERT INTO {self.qualified(table['quoted'])} ({', '.join(c['name'] for c in columns)})"
                    f"{overriding} VALUES")
            values = ", ".join(f"quote_nullable(t.{c['name']})" for c in columns)
            self.cursor.execute(f"DECLARE eduunion_schema_rows NO SCROLL CURSOR FOR "
                                f"SELECT ARRAY[{values}] FROM {self.qualified(table['quoted'])} t")
            try:
                while True:
                    batch = self.rows(f"FETCH {ROWS_PER_INSERT} FROM eduunion_schema_rows")
                    if not batch:
                        break
                    self.line(head)
                    last = len(batch) - 1
                    for n, (row,) in enumerate(batch):
                        self.line(ROW_PREFIX + ", ".join(_literal(v) for v in row) + (")," if n < last else ");"))
            finally:
                self.cursor.execute("CLOSE eduunion_schema_rows")

    def write_sequence_positions(self) -> None:
        if not self.sequences:
            return
        positions = self.rows(" UNION ALL ".join(
            f"SELECT {i}, last_value, is_called FROM {self.qualified(s['quoted'])}"
            for i, s in enumerate(self.sequences)))
        for i, last_value, is_called in sorted(positions):
            name = self.qualified(self.sequences[i]["quoted"])
            quoted_name = "'" + name.replace("'", "''") + "'"
            self.line(f"SELECT pg_catalog.setval({quoted_name}, {last_value}, {'true' if is_called else 'false'});")

    def write_comments(self, by_oid) -> None:
        relations = {t["oid"]: ("TABLE", t["quoted"]) for t in self.tables}
        relations.update({s["oid"]: ("SEQUENCE", s["quoted"]) for s in self.sequences})
        relations.update({i[0]: ("INDEX", i[2]) for i in self.indexes})
        constraints = {c[0]: c for c in self.constraints}
        for classname, oid, subid, text in self.comments:
            text = _literal(text)
            if classname == "pg_constraint":
                _, relid, _, name, *_ = constraints[oid]
                self.line(f"COMMENT ON CONSTRAINT {name} ON {self.qualified(by_oid[relid]['quoted'])} IS {text};")
            elif subid:
                column = next(c for c in self.columns[oid] if c["attnum"] == subid)
                self.line(f"COMMENT ON COLUMN {self.qualified(relations[oid][1])}.{column['name']} IS {text};")
            else:
                kind, name = relations[oid]
                self.line(f"COMMENT ON {kind} {self.qualified(name)} IS {text};")
