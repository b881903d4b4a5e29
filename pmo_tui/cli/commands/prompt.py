"""`pmo prompt bash|zsh`: shell code for a prompt segment that usually runs no process.

``eval "$(pmo prompt bash)"`` defines ``pmo_prompt_update`` (sets ``PMO_PROMPT`` to e.g.
``PMO-12 0:42``, or to nothing when no timer runs) and ``pmo_prompt`` (prints it).  The
function reads ``<data file>.status`` (see :mod:`pmo_tui.core.storage.jsonfile.status`)
with builtins alone (``[[ -nt ]]``, ``read``, ``$EPOCHSECONDS``) and asks ``pmo status
--short`` only when the data file is newer than the status file, when the status file
cannot be read as this version writes it, or when a line cannot be shown as it is.

What it prints holds only ASCII letters, digits, ``_ . - : ! ?`` and a space, never bytes
taken from the status file as they are, so it is safe anywhere in ``PS1``/``PROMPT``
(nothing for bash's backslash or ``$`` expansion, nothing for zsh's ``%`` expansion).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .. import EXIT_OK
from . import Command

if TYPE_CHECKING:
    import argparse

    from ..session import Session

USAGE = """\
bash (~/.bashrc), no process in the common case:
  eval "$(pmo prompt bash)"
  PROMPT_COMMAND="pmo_prompt_update${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  PS1='${PMO_PROMPT:+[$PMO_PROMPT] }'"$PS1"
zsh (~/.zshrc):
  eval "$(pmo prompt zsh)"
  precmd_functions+=(pmo_prompt_update)
  setopt PROMPT_SUBST
  PROMPT='${PMO_PROMPT:+[$PMO_PROMPT] }'"$PROMPT"
`$(pmo_prompt)` in PS1/PROMPT prints the same text but forks a subshell for each prompt.
The data file and the user are PMO_DB / PMO_USER when the prompt is drawn, else what pmo
resolved when `pmo prompt` ran (--db, config, defaults): run it again after changing them
in the config file."""

# What a card key shown by the shell may hold (checked again by the shell before printing:
# the status file may have been edited by hand).  ASCII spelled out: bracket ranges follow
# the locale in some shells.
_KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
_SHOWN_CHARS = _KEY_CHARS[:-1] + ":!? -"  # what the segment may hold, whoever made it

# The function, for both shells ({now} and {head} differ).  The segment is computed into
# PMO_PROMPT; `pmo status --short` (through _pmo_prompt_ask) only when the status file
# cannot answer, and its output is filtered to _SHOWN_CHARS.
_BODY = r"""
_pmo_prompt_ask() {
  __HEAD__
  local out
  out=$(PMO_USER="$2" command pmo --db="$1" status --short 2>/dev/null)
  out=${out//[!__SHOWN__]/?}
  PMO_PROMPT=${out:0:80}
}

pmo_prompt_update() {
  __HEAD__
  PMO_PROMPT=
  local db="__DB__" user="${PMO_USER:-$_pmo_user}" st now u card start rest magic ver mode n=0
  local s1 s2 s3 m h mm flag
  if [[ $db == '~' || $db == '~/'* ]]; then
    db=$HOME${db#'~'}
  elif [[ $db == '~'* ]]; then
    _pmo_prompt_ask "$db" "$user"; return 0
  fi
  [[ -e $db ]] || return 0
  st=$db.status
  if [[ -L $db ]]; then
    if [[ -n $_pmo_link && $db == "$_pmo_link" && $db -ef $_pmo_real ]]; then
      st=$_pmo_real.status
    else
      _pmo_prompt_ask "$db" "$user"; return 0
    fi
  fi
  if [[ $db -nt $st || -L $st || ! -f $st || -z $user || $user == *[[:cntrl:]]* ]]; then
    _pmo_prompt_ask "$db" "$user"; return 0
  fi
  {
    IFS=' ' read -r magic ver s1 s2 s3 mode
    if [[ $magic != pmo-status || $ver != 2 || $mode != shell ]]; then
      _pmo_prompt_ask "$db" "$user"; return 0
    fi
    while IFS=$'\t' read -r u card start rest; do
      (( ++n > 200 )) && { _pmo_prompt_ask "$db" "$user"; return 0; }
      [[ $u == "$user" ]] || continue
      if [[ -z $card || ${#card} -gt 64 || $card == [_.-]* || $card == *[!__KEY__]* ]]; then
        _pmo_prompt_ask "$db" "$user"; return 0
      fi
      if [[ $start != [1-9]* || ${#start} -gt 12 || $start == *[!0123456789]* ]]; then
        _pmo_prompt_ask "$db" "$user"; return 0
      fi
      __NOW__
      if [[ $now != [1-9]* || $now == *[!0123456789]* ]]; then
        _pmo_prompt_ask "$db" "$user"; return 0
      fi
      (( m = now - start ))
      (( m < 0 )) && m=0
      (( m /= 60, h = m / 60, mm = m % 60 ))
      (( mm < 10 )) && mm=0$mm
      flag=
      (( m > 600 )) && flag='!'
      PMO_PROMPT="$card $h:$mm$flag"
      break
    done
  } < "$st"
  return 0
}

pmo_prompt() {
  pmo_prompt_update
  [[ -z $PMO_PROMPT ]] || printf '%s\n' "$PMO_PROMPT"
}
"""

_NOW = {
    # bash 5: $EPOCHSECONDS; 4.2-4.4: printf's own strftime; older: empty, so pmo answers.
    "bash": "if (( BASH_VERSINFO[0] >= 5 )); then now=${EPOCHSECONDS:-}; "
    "elif (( BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2 )); then "
    "printf -v now '%(%s)T' -1; else now=; fi",
    "zsh": "now=${EPOCHSECONDS:-}",
}
_HEAD = {
    "bash": "",
    "zsh": "  emulate -L zsh\n",  # the user's options (KSH_ARRAYS, NO_UNSET...) stay outside
}


def _quote(text: str) -> str:
    """A single-quoted shell word (both shells)."""
    return "'" + text.replace("'", "'\\''") + "'"


def prompt_arguments(s: argparse.ArgumentParser) -> None:
    import argparse

    s.add_argument("shell", choices=["bash", "zsh"], help="the shell to print code for")
    s.formatter_class = argparse.RawDescriptionHelpFormatter
    s.epilog = USAGE


def shell_code(shell: str, db: str, fixed_db: bool, user: str, link: str, real: str) -> str:
    """The code to eval: the values pmo resolved, then the functions."""
    body = (
        _BODY.replace("  __HEAD__\n", _HEAD[shell])
        .replace("__NOW__", _NOW[shell])
        .replace("__KEY__", _KEY_CHARS)
        .replace("__SHOWN__", _SHOWN_CHARS)
        .replace("__DB__", "$_pmo_db" if fixed_db else "${PMO_DB:-$_pmo_db}")
    )
    head = [
        f'# pmo prompt segment for {shell}: eval "$(pmo prompt {shell})"; see pmo prompt --help',
        f"_pmo_db={_quote(db)}",
        f"_pmo_user={_quote(user)}",
        f"_pmo_link={_quote(link)}",
        f"_pmo_real={_quote(real)}",
    ]
    if shell == "zsh":
        head.append("zmodload zsh/datetime 2>/dev/null")
    return "\n".join(head) + "\n" + body.lstrip("\n")


def cmd_prompt(env: Session) -> int:
    import sys

    from ...core import config

    # The defaults the function falls back on: PMO_DB and PMO_USER are read when the
    # prompt is drawn, so they are left out here (a --db given now wins over them).
    saved = {k: os.environ.pop(k) for k in ("PMO_DB", "PMO_USER") if k in os.environ}
    try:
        db = str(config.resolve_db(env.args.db, env.cfg))
        user = config.resolve_user(env.cfg)
    finally:
        os.environ.update(saved)
    link = real = ""
    here = str(env.path)  # the data file pmo would use now (PMO_DB included)
    if os.path.islink(here):
        from ...core.errors import StoreError
        from ...core.storage.jsonfile import files

        try:
            files.check_links(env.path)  # a planted link: pmo refuses it, so does the shell
        except StoreError:
            pass
        else:
            link, real = here, os.path.realpath(here)
    code = shell_code(env.args.shell, db, bool(env.args.db), user, link, real)
    sys.stdout.flush()
    sys.stdout.buffer.write(code.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS = [
    Command(
        "prompt",
        "print shell code for a timer segment in your prompt (eval it in ~/.bashrc or ~/.zshrc)",
        prompt_arguments,
        cmd_prompt,
    ),
]
