"""Low-level file work for the shared data file: where it really is, opening its lock and
side files safely, and saying in words why the operating system refused something.

The data file lives in a folder that several unix accounts can write (a setgid group folder),
so every name in it may have been replaced by a teammate's link, FIFO or directory:

- the data path's links are resolved once; pmo locks, reads and replaces the real file in
  its own folder, so a linked file is never forked into a private copy;
- a link at the data path owned by another account, in a folder others can write, is
  refused (it may have been planted to make us write our data where they can read it);
- lock, status and temp files are never opened through a link (``O_NOFOLLOW``) and never
  waited on unless they are regular files (``O_NONBLOCK`` + ``S_ISREG``);
- the lock and status files take the data file's permission bits and group, whatever the
  umask of whoever created them first.

Paths are text here (``os.path``): importing pathlib costs ~3 ms (urllib.parse, ipaddress)
on every write command, more than a one-card write's own work.  :func:`expand` and
:func:`parent` give the text ``str()`` of the pathlib result would give.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat

from ...errors import StoreError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

README_SHARING = "see README 'Sharing one file over SSH'"
_SAFE = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | os.O_NONBLOCK


def _pure(text: str) -> str:
    """``str(PurePosixPath(text))``: empty and ``.`` parts dropped, one or two leading
    slashes kept (three or more are one)."""
    root = ""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    return root + "/".join(p for p in text.split("/") if p and p != ".") or "."


def expand(path: str | os.PathLike[str]) -> str:
    """``str(Path(path).expanduser())``, without importing pathlib where POSIX paths are
    text; pathlib itself where it would raise (no home directory for ``~``)."""
    text = os.fspath(path)
    if os.name == "posix" and isinstance(text, str):
        pure = _pure(text)
        if not pure.startswith("~"):
            return pure
        first, _, rest = pure.partition("/")
        home = os.path.expanduser(first)
        if home[:1] != "~":
            return _pure(f"{home.rstrip('/')}/{rest}" if rest else home)
    from pathlib import Path

    return str(Path(path).expanduser())


def parent(text: str) -> str:
    """``str(Path(text).parent)`` for a path :func:`expand` gave."""
    return os.path.dirname(text) or "."


def beside(text: str, name: str) -> str:
    """``str(Path(text).with_name(name))`` for a path :func:`expand` gave."""
    return os.path.join(os.path.dirname(text), name)


def _mode(path: str) -> int | None:
    """``os.stat(path).st_mode``, None where pathlib's ``exists`` says False (absent, a
    missing folder, a loop); other errors (permission) raise as they do there."""
    try:
        return os.stat(path).st_mode
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            raise
        return None
    except ValueError:
        return None


def exists(path: str) -> bool:
    """``Path(path).exists()``."""
    return _mode(path) is not None


def is_dir(path: str) -> bool:
    """``Path(path).is_dir()``."""
    mode = _mode(path)
    return mode is not None and stat.S_ISDIR(mode)


def as_path(text: str | Path) -> Path:
    """The path a :class:`StoreError` names (a ``Path``, as ever): only when raising one."""
    from pathlib import Path

    return Path(text)


def real_path(path: str | os.PathLike[str]) -> str:
    """The file that ``path`` names once its links are followed (the path itself if none)."""
    return os.path.realpath(path)


def check_links(shown: str | Path) -> None:
    """Refuse a link at ``shown`` (or any link it leads to) that another account owns in
    a folder that others can write: like the kernel's protected_symlinks, for pmo."""
    current = os.path.abspath(shown)
    for _ in range(40):  # the kernel's own limit on a chain of links
        try:
            st = os.lstat(current)
        except OSError:
            return
        if not stat.S_ISLNK(st.st_mode):
            return
        if st.st_uid not in (os.geteuid(), 0):
            folder = os.path.dirname(current)
            try:
                dst = os.stat(folder)
            except OSError:
                return
            if dst.st_mode & 0o022:
                raise StoreError(
                    as_path(shown),
                    f"{current} is a link owned by {user_name(st.st_uid)} in a folder others"
                    " can write; refusing to follow it (it may have been planted)."
                    " If it is meant to be there, its owner should replace it by the file",
                )
        try:
            target = os.readlink(current)
        except OSError:
            return
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))


def user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        return f"uid {uid}"


def open_regular(path: str, flags: int, mode: int = 0o666) -> int:
    """Open ``path`` without following a link and without waiting on a FIFO or device;
    refuse anything that is not a regular file.  Raises OSError (ELOOP for a link,
    EINVAL-like errors with a clear text for other kinds)."""
    fd = os.open(path, flags | _SAFE, mode)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularError(path, st.st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


class NotRegularError(OSError):
    def __init__(self, path: str, mode: int) -> None:
        kind = describe_kind(mode)
        super().__init__(errno.EINVAL, f"is {kind}, not a regular file", str(path))


def refuse_odd_kind(path: str) -> None:
    """Raise NotRegularError if ``path`` is there but is not a regular file (or a link)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise NotRegularError(path, mode)


def describe_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def open_lock(lock: str, data: os.stat_result | None) -> tuple[int, bool]:
    """Open (creating if needed) the lock file; returns (fd, created).

    Never through a link, never a FIFO; a new lock file gets the data file's permission
    bits and group (without them a teammate's umask 077 would lock the team out)."""
    tries = 0
    while True:
        try:
            fd = _create_complete(lock, data)
            if fd is not None:
                return fd, True
            try:
                fd = open_regular(lock, os.O_RDWR)
            except PermissionError:
                # A lock file made by a teammate: flock works on a read-only descriptor.
                fd = open_regular(lock, os.O_RDONLY)
            break
        except FileNotFoundError:
            # Deleted between seeing it and opening it (someone removing the lock file
            # while others write): make it again rather than fail the command.
            tries += 1
            if tries >= 100:
                raise
        except PermissionError:
            refuse_odd_kind(lock)  # say "a FIFO" rather than "permission denied"
            raise
    if data is not None:
        share_like(fd, data)  # (one of ours from before: widen it to the data file's)
    return fd, False


def _create_complete(lock: str, data: os.stat_result | None) -> int | None:
    """Create the lock file with its final mode and group already set, so no teammate
    ever sees it half made (0600 for a moment, under a umask of 077); None if it exists.
    A temp file is made and given its mode, then hard-linked to the lock's name (which
    fails, without following anything, if something is already there)."""
    if os.path.lexists(lock):
        return None
    tmp = beside(lock, f".{os.path.basename(lock)}.new-{os.getpid()}-{os.urandom(4).hex()}")
    fd = open_regular(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        share_like(fd, data)
        os.link(tmp, lock)
    except FileExistsError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return fd


def share_like(fd: int, data: os.stat_result | None) -> None:
    """Give a side file we own the data file's permission bits (no exec) and group; a
    file owned by a teammate is left as it is (only its owner may change it)."""
    with contextlib.suppress(OSError):
        st = os.fstat(fd)
        if st.st_uid != os.geteuid():
            return
        want = (data.st_mode & 0o666) if data is not None else (0o666 & ~_umask())
        if st.st_mode & 0o7777 != want:
            os.fchmod(fd, want)
        if data is not None and st.st_gid != data.st_gid:
            os.fchown(fd, -1, data.st_gid)


def copy_beside(src: str, dst: str) -> None:
    """Copy ``src`` to ``dst`` with its mode and group, never writing through a link or
    into a FIFO at ``dst`` (a backup is made in the same shared folder)."""
    with open(src, "rb") as fh:
        payload = fh.read()
        st = os.fstat(fh.fileno())
    fd = open_regular(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(payload)
        out.flush()
        share_like(out.fileno(), st)
        os.fsync(out.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def same_file(fd: int, path: str) -> bool:
    """True if ``path`` still names the file open as ``fd`` (not deleted or replaced)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def lock_holders(fd: int) -> str:
    """Who holds a lock on the file open as ``fd``, from /proc/locks ("" if unknown)."""
    st = os.fstat(fd)
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids: list[int] = []
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/locks", encoding="ascii", errors="replace") as fh,
    ):
        for line in fh:
            fields = line.split()
            if "->" in fields:  # a waiter, not the holder
                continue
            if len(fields) >= 6 and fields[5] == dev:
                pids.append(int(fields[4]))
    out = []
    for pid in pids:
        if pid <= 0:
            continue
        try:
            who = user_name(os.stat(f"/proc/{pid}").st_uid)
        except OSError:
            who = "?"
        out.append(f"process {pid} of {who}")
    return ", ".join(out)


def os_reason(exc: OSError, *, folder: str | None = None, target: str | None = None) -> str:
    """Why the operating system refused, in words that point at the cause."""
    code = exc.errno
    if isinstance(exc, NotRegularError):
        return exc.strerror or "not a regular file"
    if code == errno.ELOOP:
        return "is a symbolic link; pmo does not follow links here (it may have been planted)"
    if code == errno.EROFS:
        return "the file system is read-only"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a data file"
    if isinstance(exc, PermissionError) or code in (errno.EPERM, errno.EACCES):
        if folder is not None:
            return permission_reason(folder, target)
        return "permission denied"
    if code == errno.ENOSPC:
        return "no space left on the device"
    if code == errno.EDQUOT:
        return "disk quota exceeded"
    return exc.strerror or str(exc)


def permission_reason(folder: str, target: str | None) -> str:
    """Permission denied when creating or replacing a file in ``folder``: say why."""
    try:
        dst = os.stat(folder)
    except OSError:
        return "permission denied"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"permission denied: the folder {folder} is read-only for you (pmo writes a new"
            f" file beside the data file and renames it over it); {README_SHARING}"
        )
    if dst.st_mode & stat.S_ISVTX and target is not None:
        try:
            owner = os.lstat(target).st_uid
        except OSError:
            owner = None
        if owner is not None and owner != os.geteuid():
            return (
                f"permission denied: the folder {folder} is sticky (+t): only the file's"
                f" owner ({user_name(owner)}) can replace it; {README_SHARING}"
            )
    return "permission denied"
