"""The data file: TinyDB on one JSON file that several processes share safely.

Every write is a transaction: take an exclusive advisory lock on a sidecar lock file,
re-read the file if another process replaced it since we last read it, apply the change in
memory, serialise once, write a temp file in the same directory, fsync it, ``os.replace`` it
over the data file and fsync the directory.  A reader therefore sees either the old or the
new file, never a torn one, and a writer never builds on a stale copy.

Reads come from memory while the file's identity (inode, size, mtime) is unchanged, so a
long-running app never re-parses per query.  A file that is not ours, or that we cannot
understand, is never overwritten: :class:`StoreError` names the path and the reason and the
CLI turns it into exit code 3.
"""

from __future__ import annotations

import _thread as threading  # RLock, get_ident: threading's own (its import ~0.5 ms)
import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from json import JSONDecodeError  # (orjson's is a subclass)

from ...errors import StoreError, UseCaseError
from ...model import DEFAULT_COLUMNS, SCHEMA_VERSION, Doc, Project, iso, utcnow
from . import files, layout
from . import index as entries_index
from . import status as status_file
from .layout import TABLES, TableError, Tables, loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

Signature = tuple[int, int, int]
__all__ = [
    "MIGRATIONS",
    "TABLES",
    "Signature",
    "Store",
    "StoreError",
    "Tables",
    "file_signature",
    "write_status_file",
]
LOCK_TIMEOUT = 10.0

# Older schema version -> function that upgrades tables in place to version + 1.
MIGRATIONS: dict[int, Callable[[Tables], None]] = {}


def file_signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def seed_tables(project: Project | None = None) -> Tables:
    """A fresh file: meta and, unless told otherwise, the default project."""
    now = iso(utcnow())
    tables = Tables({name: {} for name in TABLES})
    tables["meta"]["1"] = {"schema_version": SCHEMA_VERSION, "created": now}
    if project is not None:
        tables["projects"]["1"] = project.to_doc()
    return tables


def default_project() -> Project:
    return Project(key="PMO", name="pmo", columns=list(DEFAULT_COLUMNS))


def lock_timeout_from_env() -> float:
    """``PMO_LOCK_TIMEOUT`` in seconds; a bad value is the user's setting, not the file's."""
    value = os.environ.get("PMO_LOCK_TIMEOUT")
    if value is None or not value.strip():
        return LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86400:  # (also refuses nan and inf)
        raise UseCaseError(
            f"PMO_LOCK_TIMEOUT must be a number of seconds from 0 to 86400, not {value!r}"
        )
    return seconds


class Store:
    """One pmo data file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        seed: bool = True,
        lock_timeout: float | None = None,
        auto_refresh: bool = True,
        create_parent: bool = True,
    ) -> None:
        # ``path`` is the name the user gave (shown in messages); ``real_path`` is the file
        # it names once links are followed: pmo locks, reads and replaces that one, in its
        # own folder, so a link to a shared file stays a link and never forks it.  All
        # are text (pathlib costs ~3 ms to import); ``path`` gives the user's as a Path.
        self.shown = files.expand(path)
        self._path: Path | None = None
        self.real_path = files.real_path(self.shown)
        self.lock_path = self.real_path + ".lock"
        self.status_path = self.real_path + ".status"
        self.seed = seed
        # Only pmo's default location is created on first use; an explicit path whose
        # folder does not exist is a typo, refused rather than silently created.
        self.create_parent = create_parent
        # False (the app): reads never touch the disk; the app calls reload() from its
        # file watcher, so it learns of every outside change and redraws for it.
        self.auto_refresh = auto_refresh
        if lock_timeout is None:
            lock_timeout = lock_timeout_from_env()
        self.lock_timeout = lock_timeout
        self._mutex = threading.RLock()
        # Committed snapshot: never mutated in place, so any thread may read it at any time.
        self._data: Tables | None = None
        self._sig: Signature | None = None
        # The transaction's working copy: tables and documents are copied before a change.
        self._work: Tables | None = None
        self._copied: set[str] = set()
        self._tx_thread: int | None = None
        self._lock_owner: int | None = None
        self._held_fd: int | None = None
        self.prev_signature: Signature | None = None  # the file's, when the tx began
        self._dirty = False
        self._index: tuple[dict[str, Doc], dict[str, str]] | None = None  # (cards, key->id)
        self.generation = 0  # bumped whenever the committed data changes
        # Hooks run inside a transaction after the data file is replaced (derived files).
        self.after_write: list[Callable[[Store, Tables], None]] = [write_status_file]

    @property
    def path(self) -> Path:
        """The data file's path as the user gave it (``~`` expanded), for messages and
        :class:`StoreError`: made when asked for, so a write never imports pathlib."""
        if self._path is None:
            self._path = files.as_path(self.shown)
        return self._path

    # ----------------------------------------------------------------- reading
    def exists(self) -> bool:
        return files.exists(self.shown)

    def read(self) -> Tables:
        """The current tables (never mutate them); re-read only if the file changed.

        Inside a transaction, its own thread sees the working copy.  Other threads see the
        last committed snapshot without waiting for the transaction (the app's key presses
        must never wait on disk).
        """
        if self._tx_thread == threading.get_ident():
            assert self._work is not None
            return self._work
        if not self.auto_refresh and self._data is not None:
            return self._data
        if self._mutex.acquire(blocking=self._data is None):
            try:
                self._refresh()
            finally:
                self._mutex.release()
        assert self._data is not None
        return self._data

    def reload(self) -> Tables:
        """Re-read the file if it changed (waits for a transaction of another thread)."""
        with self._mutex:
            self._refresh()
        assert self._data is not None
        return self._data

    def in_transaction(self) -> bool:
        """True on the thread that is inside a transaction."""
        return self._tx_thread == threading.get_ident()

    def changed_on_disk(self) -> bool:
        """True if another process replaced the file since we last read it."""
        try:
            sig = file_signature(os.stat(self.real_path))
        except FileNotFoundError:
            return self._sig is not None
        except OSError:
            return False
        return sig != self._sig

    def card_doc_id(self, key: str) -> str | None:
        """TinyDB document id of a card, by key, from an index kept with the data."""
        found = self._find_unparsed_card(key)
        if found is not True:
            return found[0] if found else None
        cards = self.read()["cards"]
        index = self._index
        if index is None or index[0] is not cards:
            index = (cards, {doc["key"]: doc_id for doc_id, doc in cards.items()})
            self._index = index
        return index[1].get(key)

    def card(self, key: str) -> Doc | None:
        found = self.find_card(key)
        return None if found is None else found[1]

    def find_card(self, key: str) -> tuple[str, Doc] | None:
        """(document id, card) by key, or None."""
        found = self._find_unparsed_card(key)
        if found is not True:
            return found or None
        doc_id = self.card_doc_id(key)
        if doc_id is None:
            return None
        doc = self.read()["cards"].get(doc_id)
        return None if doc is None else (doc_id, doc)

    def _find_unparsed_card(self, key: str) -> tuple[str, Doc] | bool:
        """A card looked up in the cards table's bytes while that table is unparsed (a
        timer command needs one card, not all of them): False if surely absent.  True:
        not sure, parse and use the index."""
        return self.find_unparsed("cards", "key", key)

    def find_unparsed(self, table: str, field: str, value: str | int) -> tuple[str, Doc] | bool:
        """(document id, document) by a field pmo writes first, found in a table's bytes
        while it is unparsed; False if surely absent; True if not sure (parse it)."""
        data = self.read()
        if not data.is_raw(table):
            return True
        return data.lookup_raw(table, field, value)

    def card_summary(self) -> layout.CardSummary | None:
        """Highest ranks and open cards per column, kept while the cards are unparsed
        (see layout.CardSummary); None: count them from the cards."""
        data = self.read()
        # (only while the cards' bytes match their checksum: else they are parsed now)
        return data.summary if data.is_raw("cards") and data.usable_raw("cards") else None

    def has_doc_id(self, table: str, doc_id: str) -> bool:
        """True if ``table`` has a document under ``doc_id`` (without parsing it if it can)."""
        data = self.read()
        if data.is_raw(table):
            found = data.doc_raw(table, doc_id)
            if found is not True:
                return found is not False
        return doc_id in data[table]

    def _refresh(self) -> None:
        try:
            st = os.stat(self.real_path)
        except FileNotFoundError:
            if self._data is None or self._sig is not None:
                self._set_data(seed_tables(default_project() if self.seed else None), None)
            return
        except OSError as exc:
            raise StoreError(self.path, files.os_reason(exc)) from None
        if self._data is not None and file_signature(st) == self._sig:
            return
        self._load()

    def _load(self) -> None:
        files.check_links(self.shown)
        if os.path.isdir(self.real_path):
            raise StoreError(self.path, "is a directory, not a data file")
        try:
            # Never waits on a FIFO, never follows a link put at the real path since.
            fd = files.open_regular(self.real_path, os.O_RDONLY)
        except OSError as exc:
            raise StoreError(self.path, files.os_reason(exc)) from None
        try:
            st = os.fstat(fd)
            with os.fdopen(os.dup(fd), "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            os.close(fd)
            raise StoreError(self.path, files.os_reason(exc)) from None
        try:
            data = self._validate(raw)
        except StoreError:
            os.close(fd)
            raise
        self._hold(fd)
        version = data["meta"]["1"]["schema_version"]
        if version < SCHEMA_VERSION:
            data = self._migrate(data, version, raw)
            st = os.stat(self.real_path)
        self._set_data(data, file_signature(st))

    def _hold(self, fd: int) -> None:
        """Keep the file we last read or wrote open.  While it is open its inode cannot be
        reused, so a different file can never show the same (inode, size, mtime)."""
        old, self._held_fd = self._held_fd, fd
        if old is not None:
            with contextlib.suppress(OSError):
                os.close(old)

    def close(self) -> None:
        """Let go of the file handle kept by :meth:`_hold`."""
        fd, self._held_fd = self._held_fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def _validate(self, raw: bytes) -> Tables:
        if len(raw) < 4096 and not raw.strip():  # (a big file is not blank: no 15 MB copy)
            raise StoreError(self.path, "the file is empty (refusing to overwrite it)")
        lazy = layout.split(raw, lambda reason: StoreError(self.path, reason))
        if lazy is not None:
            self._check_meta(lazy)
            return lazy
        try:
            data = loads(raw)
        except JSONDecodeError:
            raise StoreError(self.path, "not valid JSON: truncated or corrupt") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise StoreError(self.path, "not a pmo data file (not a table document)")
        tables = Tables(data)
        entries_index.forget_parsed(tables)  # derived: recomputed, never trusted here
        self._check_meta(tables)
        recorded = data["meta"]["1"].get("layout")
        if isinstance(recorded, dict):  # written by pmo: every table it wrote must be there
            missing = [name for name in recorded if name not in data]
            if missing:
                raise StoreError(
                    self.path, f"damaged: table {missing[0]!r} is missing (truncated?)"
                )
        for name in TABLES:
            tables.setdefault(name, {})
        try:
            for name in tables:
                layout.check_table(name, tables[name])
        except TableError as exc:
            raise StoreError(self.path, str(exc)) from None
        counters = data["meta"]["1"].get("next_ids")
        counters = counters if isinstance(counters, dict) else {}
        for name in tables:
            if name != "meta":
                saved = counters.get(name)
                scanned = layout.next_id(tables[name])
                tables.next_ids[name] = max(scanned, saved if isinstance(saved, int) else 0)
        return tables

    def _check_meta(self, data: Tables) -> None:
        meta = data.get("meta")
        if not meta or not isinstance(meta.get("1"), dict):
            raise StoreError(self.path, "not a pmo data file (no meta.schema_version)")
        version = meta["1"].get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise StoreError(self.path, "not a pmo data file (bad schema_version)")
        if version > SCHEMA_VERSION:
            raise StoreError(
                self.path,
                f"written by a newer pmo (schema {version}; this pmo knows {SCHEMA_VERSION})"
                " - upgrade pmo",
            )
        for name in TABLES:
            if name not in data:
                data.setdefault(name, {})

    def _migrate(self, data: Tables, version: int, raw: bytes) -> Tables:
        """Upgrade an older file in place, after keeping a backup copy of it."""
        with self._locked():
            # Another process may have migrated it while we waited for the lock.
            with open(self.real_path, "rb") as fh:
                current = fh.read()
            if current != raw:
                data = self._validate(current)
                version = data["meta"]["1"]["schema_version"]
                if version == SCHEMA_VERSION:
                    return data
            data.materialize()
            real = self.real_path
            backup = f"{real}.bak-v{version}"
            try:  # (never through a link planted at the backup's name)
                files.copy_beside(real, backup)
            except OSError as exc:
                reason = files.os_reason(exc, folder=files.parent(real))
                raise StoreError(
                    self.path, f"cannot keep a backup before upgrading it: {reason}"
                ) from None
            data.pristine.clear()  # (migrations change tables in place)
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](data)
                version += 1
                data["meta"]["1"]["schema_version"] = version
            self._write_file(data)
        return data

    def _set_data(self, data: Tables, sig: Signature | None) -> None:
        data.path = self.shown  # (layout makes it a Path when it raises)
        self._data = data
        self._sig = sig
        self.generation += 1

    # ----------------------------------------------------------------- writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Lock, refresh, let the caller change tables through insert/update/remove, then
        commit atomically.  If the body raises, nothing is written and nothing changes."""
        if self._tx_thread == threading.get_ident():  # nested: part of the outer one
            yield self
            return
        with self._mutex, self._locked():
            self._refresh()
            assert self._data is not None
            exists = self._sig is not None
            self.prev_signature = self._sig
            self._work = self._data.copy()
            self._copied = set()
            self._dirty = not exists  # a new file is written even if unchanged
            self._tx_thread = threading.get_ident()
            try:
                yield self
            except BaseException:
                raise
            else:
                if self._dirty:
                    work = self._work
                    self._write_file(work)
                    self._data = work
                    self.generation += 1
                    # Committed: from here on nothing may report the write as failed.
                    # The hooks write derived files (caches); a failure there costs speed.
                    for hook in self.after_write:
                        with contextlib.suppress(StoreError, OSError):
                            hook(self, work)
            finally:
                self._tx_thread = None
                self._work = None
                self._copied = set()

    def _table(self, name: str) -> dict[str, Doc]:
        """The working copy of a table, copied on first change in this transaction."""
        self._require_tx()
        assert self._work is not None
        if name not in self._copied:
            try:
                self._work[name] = dict(self._work.get(name, {}))
            except TableError as exc:
                raise StoreError(self.path, str(exc)) from None
            self._copied.add(name)
        self._dirty = True
        return self._work[name]

    def tables(self) -> Tables:
        """All tables as a mutable working copy (bulk changes, e.g. import); tx only."""
        self._require_tx()
        assert self._work is not None
        entries_index.bulk(self._work)
        for name in list(self._work):
            table = self._table(name)
            for doc_id, doc in table.items():
                table[doc_id] = dict(doc)
        # The caller may add documents under any id: recount on write, never going back.
        self._work.floor_ids = dict(self._work.next_ids)
        self._work.next_ids.clear()
        return self._work

    def insert(self, table: str, doc: Doc, doc_id: str | None = None) -> str:
        """Insert a document (under ``doc_id`` if given); returns its TinyDB id."""
        work = self._work
        # An unparsed table (the history, a card, a time entry): append without parsing it,
        # under the next id or a given one that is surely free.
        if (
            work is not None
            and work.can_append_raw(table)
            and (doc_id is None or (doc_id.isdigit() and work.doc_raw(table, doc_id) is False))
        ):
            self._require_tx()
            self._dirty = True
            new_id = doc_id if doc_id is not None else str(work.next_ids[table])
            self._raw_changed(table, new_id, None, doc)
            return work.append_raw(table, doc, doc_id)
        rows = self._table(table)
        if doc_id is None:
            doc_id = self.reserve_id(table)
        else:
            self._bump_id(table, doc_id)
        if table == entries_index.ENTRIES:
            self._index_changing(doc_id, rows.get(doc_id), doc)
        rows[doc_id] = doc
        index = self._index
        if table == "cards" and index is not None and index[0] is rows:
            index[1][doc["key"]] = doc_id
        return doc_id

    def reserve_id(self, table: str) -> str:
        """A document id never used in this table, even by a document since removed: the
        counter lives in the file (meta.next_ids), so an undo that re-creates a document
        can never collide with one somebody else made meanwhile."""
        work = self._work
        self._require_tx()
        assert work is not None
        raw_id = self._reserve_raw_id(work, table)
        if raw_id is not None:
            return raw_id
        rows = self._table(table)
        n = work.next_ids.get(table)
        if n is None:
            n = layout.next_id(rows)
        while str(n) in rows:  # a document added by another tool
            n += 1
        work.next_ids[table] = n + 1
        return str(n)

    def _bump_id(self, table: str, doc_id: str) -> None:
        work = self._work
        assert work is not None
        if doc_id.isdigit() and table in work.next_ids:
            work.next_ids[table] = max(work.next_ids[table], int(doc_id) + 1)

    def update(self, table: str, doc_id: str, fields: Doc) -> Doc:
        patched = self._patch_raw(table, doc_id, fields)
        if patched is not None:
            return patched
        rows = self._table(table)
        doc = dict(rows[doc_id])
        doc.update(fields)
        if table == entries_index.ENTRIES:
            self._index_changing(doc_id, rows[doc_id], doc)
        rows[doc_id] = doc
        return doc

    def remove(self, table: str, doc_id: str) -> Doc | None:
        work = self._work
        if work is not None and work.is_raw(table) and work.can_patch_raw(table):
            self._require_tx()
            old = work.doc_raw(table, doc_id)
            if old is False:
                return None
            if old is not True:
                self._raw_changed(table, doc_id, old, None)
                work.patch_raw(table, doc_id, old, None)
                self._dirty = True
                return old
        rows = self._table(table)
        if table == "cards":
            self._index = None
        if table == entries_index.ENTRIES and doc_id in rows:
            self._index_changing(doc_id, rows[doc_id], None)
        return rows.pop(doc_id, None)

    # ------------------------------------------------- writes to unparsed tables (patches)
    def _patch_raw(self, table: str, doc_id: str, fields: Doc) -> Doc | None:
        """Change one document of a table still unparsed in this transaction by recording
        a patch that is spliced into its bytes when written (layout.Tables.patch_raw): a
        one-card change never parses ten thousand cards.  None: not possible here (the
        table is parsed, its bytes do not match their checksum, the document cannot be
        found in them for sure); the caller parses the table instead."""
        work = self._work
        if work is None or not work.is_raw(table) or not work.can_patch_raw(table):
            return None
        self._require_tx()
        old = work.doc_raw(table, doc_id)
        if old is True or old is False:
            return None  # (absent: the parsed path raises KeyError as before)
        doc = dict(old)
        doc.update(fields)
        self._raw_changed(table, doc_id, old, doc)
        work.patch_raw(table, doc_id, old, doc)
        self._dirty = True
        return doc

    def _raw_changed(self, table: str, doc_id: str, old: Doc | None, new: Doc | None) -> None:
        """Called before a document of a table still unparsed changes from ``old`` to
        ``new`` (None: absent) by a raw append or patch: the one place where data derived
        document by document (an index of the time entries) follows those writes, as it
        follows insert/update/remove on parsed tables."""
        if table == entries_index.ENTRIES:
            self._index_changing(doc_id, old, new)

    def _reserve_raw_id(self, work: Tables, table: str) -> str | None:
        """reserve_id for a table still unparsed: the counter from meta, past any id that
        is (or may be) taken.  None if that cannot be told without parsing."""
        if not work.is_raw(table) or not work.can_append_raw(table):
            return None
        n = work.next_ids[table]
        for _ in range(100):
            found = work.doc_raw(table, str(n))
            if found is True:
                return None
            if found is False:
                work.next_ids[table] = n + 1
                self._dirty = True  # (the counter is kept in the file)
                return str(n)
            n += 1
        return None

    def _index_changing(self, doc_id: str, old: Doc | None, new: Doc | None) -> None:
        """Keep the time entries' index (index.py) of the working copy: called before a
        time entry changes from ``old`` to ``new`` (None: absent)."""
        assert self._work is not None
        entries_index.changing(self._work, doc_id, old, new)

    def _require_tx(self) -> None:
        if self._tx_thread != threading.get_ident():
            raise RuntimeError("write outside a transaction")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._lock_owner == threading.get_ident():  # re-entrant (migration inside a tx)
            yield
            return
        deadline = time.monotonic() + self.lock_timeout
        fd, created = self._acquire_lock_file(deadline)
        try:
            dir_fd = self._acquire_folder_lock(deadline, fd)
            try:
                self._lock_owner = threading.get_ident()
                try:
                    yield
                except BaseException:
                    if created:  # a refused file gets no stray lock file beside it
                        self._drop_lock_file(fd)
                    raise
                finally:
                    self._lock_owner = None
            finally:
                if dir_fd is not None:
                    os.close(dir_fd)
        finally:
            os.close(fd)  # closing releases the lock

    def _acquire_lock_file(self, deadline: float) -> tuple[int, bool]:
        """The lock file, opened and locked; the timeout bounds every wait.

        Someone may delete or replace the lock file while another process holds it or waits
        on it: a lock on a file that no longer has the lock's name excludes nobody, so after
        locking, check that the name still leads to the locked file, and start again if not."""
        delay = 0.002
        while True:
            fd, created = self._open_lock_file()
            try:
                if self._try_flock(fd, deadline, delay):
                    if files.same_file(fd, self.lock_path):
                        return fd, created
                    created = False
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
            if time.monotonic() >= deadline:
                raise StoreError(
                    self.path,
                    f"lock not obtained within {self.lock_timeout:g} s: its lock file"
                    f" {self.lock_path} keeps being replaced",
                )

    def _try_flock(self, fd: int, deadline: float, delay: float) -> bool:
        """Wait for an exclusive flock until the deadline (StoreError when it passes)."""
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise StoreError(self.path, f"cannot lock: {files.os_reason(exc)}") from None
                if time.monotonic() >= deadline:
                    holders = files.lock_holders(fd)
                    who = f"{holders} holds it" if holders else "another pmo is writing"
                    raise StoreError(
                        self.path,
                        f"lock not obtained within {self.lock_timeout:g} s ({who}; lock file"
                        f" {self.lock_path}). Try again when it is done; if it never ends,"
                        " stop that process (set PMO_LOCK_TIMEOUT to wait longer)",
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def _acquire_folder_lock(self, deadline: float, lock_fd: int) -> int | None:
        """Also lock the data file's folder, which nobody can delete from under us while
        the data file is in it: deleting the lock file while a writer holds it then lets
        no second writer in.  None if the folder cannot be opened (locked by file only)."""
        folder = files.parent(self.real_path)
        try:
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            self._try_flock(dir_fd, deadline, 0.002)
        except BaseException:
            os.close(dir_fd)
            raise
        return dir_fd

    def _drop_lock_file(self, fd: int) -> None:
        """Remove the lock file this transaction created, if the data file was refused or
        never written (a waiter on it sees the name gone and starts again)."""
        if os.path.exists(self.real_path) and self._sig is not None:
            return  # the file is ours and in use: keep its lock file
        if files.same_file(fd, self.lock_path):
            with contextlib.suppress(OSError):
                os.unlink(self.lock_path)

    def _open_lock_file(self) -> tuple[int, bool]:
        parent = files.parent(self.real_path)
        if not files.is_dir(parent):
            if not self.create_parent:
                raise StoreError(self.path, f"its folder {self.path.parent} does not exist")
            try:
                os.makedirs(parent, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    self.path, f"cannot create its folder: {files.os_reason(exc)}"
                ) from None
        files.check_links(self.shown)
        try:
            data = os.stat(self.real_path)
        except OSError:
            data = None
        try:
            return files.open_lock(self.lock_path, data)
        except OSError as exc:
            reason = files.os_reason(exc, folder=parent)
            raise StoreError(
                self.path, f"cannot open lock file {self.lock_path}: {reason}"
            ) from None

    def _write_file(self, data: Tables) -> None:
        """Replace the data file atomically, keeping its permission bits and group."""
        payload = layout.serialize(data)
        self._remove_stale_temps()
        self._sig = self.write_atomic(self.real_path, payload, durable=True, hold=True)

    def _remove_stale_temps(self) -> None:
        """Temp files of writers that were killed mid-write (we hold the lock, so no live
        writer owns one)."""
        with contextlib.suppress(OSError):
            prefix = f".{os.path.basename(self.real_path)}.tmp-"
            for entry in os.scandir(files.parent(self.real_path)):
                if entry.name.startswith(prefix):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def write_atomic(
        self,
        target: str,
        payload: bytes | list[layout.Chunk],
        *,
        durable: bool,
        hold: bool = False,
    ) -> Signature:
        """Write ``payload`` to ``target`` via a temp file and rename; returns its signature.
        With ``hold``, the new file stays open (see :meth:`_hold`)."""
        try:
            old = os.stat(self.real_path)
        except FileNotFoundError:
            old = None
        directory = files.parent(target)
        try:
            # (not tempfile.mkstemp: importing tempfile costs more than this whole write)
            name = f".{os.path.basename(target)}.tmp-{os.getpid()}-{os.urandom(6).hex()}"
            tmp = files.beside(target, name)
            # O_EXCL|O_NOFOLLOW: never created through a link planted at that name.
            fd = files.open_regular(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            reason = files.os_reason(exc, folder=directory)
            raise StoreError(self.path, f"cannot write: {reason}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in [payload] if isinstance(payload, bytes) else payload:
                    fh.write(chunk)
                fh.flush()
                if old is not None:
                    os.fchmod(fh.fileno(), old.st_mode & 0o7777)
                    with contextlib.suppress(OSError):
                        os.fchown(fh.fileno(), -1, old.st_gid)
                else:
                    os.fchmod(fh.fileno(), 0o666 & ~files._umask())
                if durable:
                    os.fsync(fh.fileno())
                held = os.dup(fh.fileno()) if hold else None
            try:
                os.replace(tmp, target)
            except BaseException:
                if held is not None:
                    os.close(held)
                raise
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            reason = files.os_reason(exc, folder=directory, target=target)
            raise StoreError(self.path, f"cannot write: {reason}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if durable:
            dfd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        if held is not None:
            self._hold(held)
            return file_signature(os.fstat(held))
        return file_signature(os.stat(target))

    @property
    def signature(self) -> Signature | None:
        return self._sig


def write_status_file(store: Store, data: Tables) -> None:
    """Refresh the derived status file; it is only a cache, so failures are ignored."""
    if store.signature is None:
        return
    running = None
    entries_changed = "time_entries" in data.changed  # (patched or appended unparsed)
    if data.entries_index is None and not entries_changed and store.prev_signature is not None:
        # No entry was read or changed (a change keeps the index): carry the running timers
        # over from the status file instead of reading the index (1-2 ms at 10k cards).
        running = status_file.read_running(store.shown, store.prev_signature)
    if running is None:
        running = running_timers(store, data)
    with contextlib.suppress(OSError, StoreError):
        store.write_atomic(
            store.status_path, status_file.render(store.signature, running), durable=False
        )


def running_timers(store: Store, data: Tables) -> dict[str, Doc]:
    """Each user's running timer with its card's title, for the status file: from the time
    entries' index (index.py), never by parsing the entries."""
    running = entries_index.running_by_user(entries_index.of_tables(data))
    for entry in running.values():
        found = store.card(str(entry["card"]))
        entry["title"] = (found or {}).get("title", "")
    return running
