"""Canonical actors: mentions such as "Yemen's Houthis" or "the U.S." mapped to one id.

Countries come from ISO 3166-1 (the `pycountry` package): their id is the alpha-3 code.
Organisations, armed groups and extra country aliases (demonyms, capitals) come from
`scoring/gazetteer/actors.json`, which states its provenance. A gazetteer may be extended
with more actors and aliases (the service adds those stored through its admin API).

Aliases match as whole words, the longest first, so "Kata'ib Hizbullah" is not read as
Hizbullah and "Hezbollah chief" is. Short all-capital
aliases ("US", "UN", "IRGC") match only in capitals, so the pronoun "us" is not the U.S.
Unknown mentions resolve to None; callers keep the mention text as it was.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

GAZETTEER_FILE = Path(__file__).parent / "gazetteer" / "actors.json"
_CASED_MAX = 5  # all-capital aliases up to this length must match in capitals


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor; `country` is its ISO 3166-1 alpha-3 home country (None if none)."""

    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """An actor found in a text, with the alias and its character offsets."""

    actor: Actor
    alias: str
    start: int
    end: int


def normalise(text: str) -> str:
    """Accents dropped and apostrophes unified, so "Kata’ib" and "Kata'ib" compare equal."""
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_cased(alias: str) -> bool:
    letters = alias.replace(".", "")
    return letters.isupper() and len(letters) <= _CASED_MAX


@dataclass
class Gazetteer:
    """Actors by id, with a matcher over all their aliases (rebuilt when actors are added)."""

    actors: dict[str, Actor] = field(default_factory=dict)
    _pattern: tuple[re.Pattern[str], re.Pattern[str]] | None = None
    _by_alias: dict[str, str] = field(default_factory=dict)

    def add(self, actor: Actor) -> None:
        """Adds or replaces an actor; aliases of an existing id are merged."""
        known = self.actors.get(actor.id)
        aliases = tuple(dict.fromkeys((*(known.aliases if known else ()), *actor.aliases)))
        self.actors[actor.id] = Actor(actor.id, actor.name, actor.kind, actor.country, aliases)
        self._pattern = None

    def add_alias(self, actor_id: str, alias: str) -> None:
        """One more way to write an existing actor's name; KeyError for an unknown id."""
        actor = self.actors[actor_id]
        self.add(Actor(actor.id, actor.name, actor.kind, actor.country, (alias,)))

    def _compile(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        if self._pattern is None:
            self._by_alias = {}
            for actor in self.actors.values():
                for alias in (actor.name, *actor.aliases):
                    key = normalise(alias) if _is_cased(alias) else normalise(alias).lower()
                    self._by_alias.setdefault(key, actor.id)
            cased = [a for a in self._by_alias if _is_cased(a)]
            plain = [a for a in self._by_alias if not _is_cased(a)]
            self._pattern = (_alternation(cased, 0), _alternation(plain, re.IGNORECASE))
        return self._pattern

    def find_all(self, text: str) -> list[ActorMatch]:
        """Every actor mentioned in `text`, longest alias first where aliases overlap."""
        norm = normalise(text)
        found: list[ActorMatch] = []
        for pattern in self._compile():
            for m in pattern.finditer(norm):
                alias = m.group(0)
                key = alias if alias in self._by_alias else alias.lower()
                actor = self.actors[self._by_alias[key]]
                found.append(ActorMatch(actor, alias, m.start(), m.end()))
        found.sort(key=lambda a: (-(a.end - a.start), a.start))
        kept: list[ActorMatch] = []
        for match in found:
            if all(match.end <= k.start or match.start >= k.end for k in kept):
                kept.append(match)
        return kept

    def resolve(self, mention: str | None) -> Actor | None:
        """The actor a mention names, or None when none is known.

        A group or organisation beats a country ("Yemen's Houthis" is the Houthis); among
        equals the first mention wins ("U.S. interests in Iraq" is the U.S.).
        """
        if not mention:
            return None
        matches = self.find_all(mention)
        if not matches:
            return None
        return min(matches, key=lambda m: (m.actor.kind == "country", m.start)).actor


def _alternation(aliases: Iterable[str], flags: int) -> re.Pattern[str]:
    trie: _Trie = {}
    for alias in aliases:
        node = trie
        for char in alias.lower() if flags & re.IGNORECASE else alias:
            node = node.setdefault(char, {})
        node[""] = {}  # an alias ends here
    body = _trie_pattern(trie) or "(?!x)x"
    # Word edges that also hold next to "." in "U.S." and "'" in "Kata'ib" (but allow "'s").
    return re.compile(rf"(?<![\w.'])(?:{body})(?!\w)(?!'(?!s\b))", flags)


_Trie = dict[str, "_Trie"]


def _trie_pattern(node: _Trie) -> str:
    """The aliases under `node` as one regex that shares their prefixes: a flat alternation of
    hundreds of aliases is tried branch by branch at every position of the text. A greedy
    optional tail tries the longer alias first, so the longest alias still wins."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _countries(aliases: dict[str, list[str]]) -> list[Actor]:
    actors = []
    for country in pycountry.countries:
        code = str(country.alpha_3)
        name = str(getattr(country, "common_name", None) or country.name)
        names = {name, str(country.name), *aliases.get(code, [])}
        official = getattr(country, "official_name", None)
        if official:
            names.add(str(official))
        actors.append(Actor(code, name, "country", code, tuple(sorted(names))))
    known = {a.id for a in actors}
    for code, extra in aliases.items():  # codes outside ISO 3166-1 proper, e.g. Kosovo
        if code not in known:
            actors.append(Actor(code, extra[0], "country", code, tuple(extra)))
    return actors


def parse_gazetteer(data: dict[str, object]) -> Gazetteer:
    """A gazetteer from the JSON form of `actors.json` (countries always included)."""
    gazetteer = Gazetteer()
    country_aliases = data.get("country_aliases", {})
    assert isinstance(country_aliases, dict)
    for actor in _countries(country_aliases):
        gazetteer.add(actor)
    entries = data.get("actors", [])
    assert isinstance(entries, list)
    for entry in entries:
        gazetteer.add(
            Actor(
                id=entry["id"],
                name=entry["name"],
                kind=entry["kind"],
                country=entry.get("country"),
                aliases=tuple(entry.get("aliases", ())),
            )
        )
    return gazetteer


@lru_cache(maxsize=1)
def _builtin_data() -> dict[str, object]:
    data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def load_gazetteer() -> Gazetteer:
    """A fresh gazetteer of the shipped actors (callers may extend their copy)."""
    return parse_gazetteer(_builtin_data())
