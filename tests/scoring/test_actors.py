"""Mentions map to canonical actors; unknown mentions resolve to nothing, never to a guess."""

from __future__ import annotations

import pytest

from scoring.actors import Actor, load_gazetteer, parse_gazetteer


@pytest.mark.parametrize(
    ("mention", "actor_id", "country"),
    [
        ("Hizbullah", "hezbollah", "LBN"),
        ("Hezbollah's deputy leader", "hezbollah", "LBN"),
        ("Hizballah", "hezbollah", "LBN"),
        ("Kata'ib Hizbullah", "kataib-hezbollah", "IRQ"),
        ("Kata’ib Hizbullah", "kataib-hezbollah", "IRQ"),
        ("the Hizbullah Brigades", "kataib-hezbollah", "IRQ"),
        ("Yemen's Houthis", "houthis", "YEM"),
        ("Ansar Allah", "houthis", "YEM"),
        ("the IRGC", "irgc", "IRN"),
        ("NATO", "nato", None),
        ("the U.S.", "USA", "USA"),
        ("US forces", "USA", "USA"),
        ("Washington", "USA", "USA"),
        ("Iranian Foreign Minister", "IRN", "IRN"),
        ("Côte d'Ivoire", "CIV", "CIV"),
        ("U.S. interests in Iraq", "USA", "USA"),
    ],
)
def test_mentions_resolve_to_canonical_actors(
    mention: str, actor_id: str, country: str | None
) -> None:
    actor = load_gazetteer().resolve(mention)
    assert actor is not None and (actor.id, actor.country) == (actor_id, country)


@pytest.mark.parametrize("mention", ["let us talk", "the local militia", "", None, "a spokesman"])
def test_unknown_mentions_resolve_to_nothing(mention: str | None) -> None:
    assert load_gazetteer().resolve(mention) is None


def test_every_country_has_its_iso_code() -> None:
    actors = load_gazetteer().actors
    countries = [a for a in actors.values() if a.kind == "country"]
    assert len(countries) >= 249
    assert all(a.id == a.country and len(a.id) == 3 and a.id.isupper() for a in countries)
    assert actors["FRA"].name == "France"


def test_find_all_keeps_the_longest_alias_where_aliases_overlap() -> None:
    # own words
    text = "Kataib Hezbollah said U.S. bases in Iraq would be hit if Israel entered Lebanon."
    found = [m.actor.id for m in load_gazetteer().find_all(text)]
    assert "hezbollah" not in found
    assert {"kataib-hezbollah", "USA", "IRQ", "ISR", "LBN"} == set(found)


def test_a_gazetteer_can_be_extended() -> None:
    gazetteer = load_gazetteer()
    gazetteer.add(Actor("black-flag", "Black Flag Brigade", "armed_group", "SYR", ("BFB",)))
    gazetteer.add_alias("black-flag", "the Flag Brigade")
    assert gazetteer.resolve("a BFB commander") == gazetteer.actors["black-flag"]
    assert gazetteer.resolve("the flag brigade") == gazetteer.actors["black-flag"]
    with pytest.raises(KeyError):
        gazetteer.add_alias("no-such-actor", "whatever")


def test_a_gazetteer_parses_from_its_json_form() -> None:
    gazetteer = parse_gazetteer(
        {"actors": [{"id": "x", "name": "Group X", "kind": "armed_group", "aliases": ["GX"]}]}
    )
    actor = gazetteer.resolve("GX fighters")
    assert actor is not None and actor.id == "x" and actor.country is None
