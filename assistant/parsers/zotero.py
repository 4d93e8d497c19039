"""Zotero's own database (zotero.sqlite), read from a snapshot copy without an export.

Zotero keeps the file open (and locked) while it runs, so the file and its write-ahead log are
copied to a temporary folder and the copy is opened read-only; the original is never written.
Items with an abstract become documents; items in the trash (`deletedItems`) are left out.
Queries follow Zotero's published schema (resource/schema/userdata.sql and system.sql)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..types import Document, IngestError, Skipped
from .common import Parsed, check_library, doi_of, field_text, make_document, year_of

WANTED_FIELDS = ("title", "abstractNote", "date", "DOI", "url")
DEFAULT_LIBRARY = "Zotero"


def is_zotero_db(path: Path) -> bool:
    return path.name.lower() == "zotero.sqlite"


@contextmanager
def _snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    with tempfile.TemporaryDirectory(prefix="assistant-zotero-") as tmp:
        copy = Path(tmp) / "zotero.sqlite"
        try:
            shutil.copyfile(path, copy)
            for extra in ("-wal", "-journal"):
                side = path.with_name(path.name + extra)
                if side.exists():
                    shutil.copyfile(side, copy.with_name(copy.name + extra))
        except OSError as e:
            raise IngestError(f"{path}: cannot read the Zotero database ({e.strerror})") from None
        con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            yield con
        finally:
            con.close()


def _table(con: sqlite3.Connection, *names: str) -> str:
    """The first of `names` that exists and has rows (Zotero 5+ fills the *Combined tables)."""
    for name in names:
        try:
            if con.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone():  # the names are ours, never user input
                return name
        except sqlite3.DatabaseError:
            continue
    raise sqlite3.DatabaseError(f"no {names[0]} table")


def _values(con: sqlite3.Connection) -> dict[int, dict[str, str]]:
    fields = _table(con, "fieldsCombined", "fields")
    marks = ",".join("?" * len(WANTED_FIELDS))
    rows = con.execute(
        f"""SELECT d.itemID, f.fieldName, v.value FROM itemData d
            JOIN {fields} f ON f.fieldID = d.fieldID
            JOIN itemDataValues v ON v.valueID = d.valueID
            WHERE f.fieldName IN ({marks})""",  # the table name is one of ours
        WANTED_FIELDS,
    )
    out: dict[int, dict[str, str]] = {}
    for item_id, name, value in rows:
        out.setdefault(item_id, {})[name] = str(value)
    return out


def _creators(con: sqlite3.Connection) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = con.execute(
        """SELECT ic.itemID, c.lastName, c.firstName FROM itemCreators ic
           JOIN creators c ON c.creatorID = ic.creatorID ORDER BY ic.itemID, ic.orderIndex"""
    )
    for item_id, last, first in rows:
        name = ", ".join(p for p in (field_text(last), field_text(first)) if p)
        if name:
            out.setdefault(item_id, []).append(name)
    return out


def _collections(con: sqlite3.Connection) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = con.execute(
        """SELECT ci.itemID, c.collectionName FROM collectionItems ci
           JOIN collections c ON c.collectionID = ci.collectionID ORDER BY c.collectionName"""
    )
    for item_id, name in rows:
        out.setdefault(item_id, []).append(str(name))
    return out


def parse_zotero(path: Path, library: str | None = None, collections_as_libraries: bool = False) -> Parsed:
    """Every item with an abstract, outside the trash. With `collections_as_libraries`, an item's
    collections are its libraries (items in no collection go to `library`)."""
    source = str(path)
    default = check_library(library or DEFAULT_LIBRARY, source)
    out = Parsed(source)
    with _snapshot(path) as con:
        try:
            values = _values(con)
            creators = _creators(con)
            collections = _collections(con) if collections_as_libraries else {}
            trashed = {row[0] for row in con.execute("SELECT itemID FROM deletedItems")}
            items = con.execute("SELECT itemID, key FROM items ORDER BY itemID").fetchall()
        except sqlite3.DatabaseError as e:
            raise IngestError(f"{source}: not a Zotero database this version can read ({e})") from None
    for item_id, key in items:
        fields = values.get(item_id)
        if not fields or "abstractNote" not in fields:
            continue  # notes, attachments and items without an abstract are not abstracts
        if item_id in trashed:
            out.skipped.append(Skipped(source, 0, f"item {key} is in the Zotero trash"))
            continue
        out.add(_document(source, key, fields, creators.get(item_id, []), _libraries(collections.get(item_id), default)))
    return out


def _libraries(names: list[str] | None, default: str) -> tuple[str, ...]:
    libs = []
    for name in names or []:
        try:
            libs.append(check_library(name))
        except IngestError:
            continue  # a collection called "All" keeps its items in the default library
    return tuple(dict.fromkeys(libs)) or (default,)


def _document(source: str, key: str, fields: dict[str, str], creators: list[str], libs: tuple[str, ...]) -> Document | Skipped:
    item = make_document(
        source,
        0,
        libs,
        abstract=fields.get("abstractNote", ""),
        what=f"item {key}",
        title=fields.get("title", ""),
        authors="; ".join(creators),
        year=year_of(fields.get("date", "")),
        url=field_text(fields.get("url", "")),
        doi=doi_of(fields.get("DOI", "")),
        source_id=f"zotero:{key}",
    )
    if isinstance(item, Document):
        # The item key says where the record is; Zotero has no line numbers.
        from dataclasses import replace

        return replace(item, source=f"{source}#{key}")
    return item
