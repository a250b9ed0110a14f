"""SQLite document store: JSON documents keyed by (kind, id), with an org and a ref column.

One connection in WAL mode, shared by the event loop and the timing ticker. A process-wide
re-entrant lock wraps every transaction, so each request's read-modify-write is atomic and
concurrent requests can never interleave half-applied changes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    org  TEXT,
    ref  TEXT,
    seq  INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_org ON docs (kind, org);
CREATE INDEX IF NOT EXISTS docs_ref ON docs (kind, ref);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Doc = dict[str, Any]


def public(doc: Doc) -> Doc:
    """A stored document without its internal (underscore) fields."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


class Store:
    """The emulator's persistent state. Use `with store.tx():` around every access."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        row = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM docs").fetchone()
        self._seq = int(row[0])

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[Store]:
        """A transaction; nested calls join the outer one."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            seq_before = self._seq
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._seq = seq_before
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    # -- documents -------------------------------------------------------------------------
    @staticmethod
    def _load(seq: int, data: str) -> Doc:
        doc: Doc = json.loads(data)
        doc["_seq"] = seq
        return doc

    def get(self, kind: str, id_: str) -> Doc | None:
        row = self._conn.execute(
            "SELECT seq, data FROM docs WHERE kind=? AND id=?", (kind, id_)
        ).fetchone()
        return self._load(row[0], row[1]) if row else None

    def put(
        self, kind: str, id_: str, doc: Doc, org: str | None = None, ref: str | None = None
    ) -> Doc:
        clean = {k: v for k, v in doc.items() if k != "_seq"}
        data = json.dumps(clean, separators=(",", ":"))
        row = self._conn.execute(
            "SELECT seq FROM docs WHERE kind=? AND id=?", (kind, id_)
        ).fetchone()
        if row:
            seq = int(row[0])
            self._conn.execute(
                "UPDATE docs SET org=?, ref=?, data=? WHERE kind=? AND id=?",
                (org, ref, data, kind, id_),
            )
        else:
            self._seq += 1
            seq = self._seq
            self._conn.execute(
                "INSERT INTO docs (kind, id, org, ref, seq, data) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, id_, org, ref, seq, data),
            )
        clean["_seq"] = seq
        return clean

    def delete(self, kind: str, id_: str) -> bool:
        cur = self._conn.execute("DELETE FROM docs WHERE kind=? AND id=?", (kind, id_))
        return cur.rowcount > 0

    def find(self, kind: str, org: str | None = None, ref: str | None = None) -> list[Doc]:
        sql = "SELECT seq, data FROM docs WHERE kind=?"
        args: list[Any] = [kind]
        if org is not None:
            sql += " AND org=?"
            args.append(org)
        if ref is not None:
            sql += " AND ref=?"
            args.append(ref)
        sql += " ORDER BY seq"
        return [self._load(s, d) for s, d in self._conn.execute(sql, args).fetchall()]

    def find_org_or_ref(self, kind: str, value: str) -> list[Doc]:
        rows = self._conn.execute(
            "SELECT seq, data FROM docs WHERE kind=? AND (org=? OR ref=?) ORDER BY seq",
            (kind, value, value),
        ).fetchall()
        return [self._load(s, d) for s, d in rows]

    def prune_expired_tokens(self, now: float) -> int:
        """Drop expired tokens (an expired token and an unknown one get the same answer)."""
        cur = self._conn.execute(
            "DELETE FROM docs WHERE kind='token' AND json_extract(data, '$.expiresAt') <= ?",
            (now,),
        )
        return cur.rowcount

    def shift_dates(self, kind: str, names: Iterable[str], delta: float) -> None:
        """Subtract `delta` from each numeric field `names` of every document of `kind`."""
        for name in names:
            if not name.isidentifier():  # spliced into a JSON path below
                raise ValueError(f"not a field name: {name!r}")
            path = f"$.{name}"
            self._conn.execute(
                "UPDATE docs SET data = json_set(data, ?, json_extract(data, ?) - ?) "
                "WHERE kind=? AND json_type(data, ?) IN ('integer', 'real')",
                (path, path, delta, kind, path),
            )

    def clear(self) -> None:
        self._conn.execute("DELETE FROM docs")
        self._conn.execute("DELETE FROM meta")

    # -- small settings --------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, json.dumps(value)),
        )
