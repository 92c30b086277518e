"""Weak sub-type labels of UCDP headlines (every record a violent event with deaths) and the toll-only reading."""

from __future__ import annotations

from eventwire.evaluation.weak_labels import weak_code
from eventwire.mentions.trigger import names_event_kind


def test_one_sided_violence_is_an_attack_unless_a_weapon_is_named() -> None:
    assert weak_code("They kill a pregnant woman in Nueva Tijuana", ["3"]) == "ATTACK"
    assert weak_code("Warplanes bombed the market of Maarat al-Numan, killing 12 civilians", ["3"]) == "AIR_STRIKE"


def test_state_based_violence_is_fighting_and_an_exchange_of_fire_a_clash_whatever_the_weapons() -> None:
    assert weak_code("Clashes between the regime forces and the factions in the countryside of Hama", ["1"]) \
        == "ARMED_CLASH"
    assert weak_code("Mortar and machine-gun fire exchanged at the positions of the opposing forces", ["1"]) \
        == "ARMED_CLASH"
    assert weak_code("The regime forces shelled the northern countryside of Homs", ["1"]) == "ART_MISS_ATTACK"


def test_non_state_killings_with_no_second_side_named_are_an_attack() -> None:
    assert weak_code("Two men were shot dead in Juventino Rosas", ["2"]) == "ATTACK"


def test_a_record_mixing_one_sided_violence_and_fighting_gives_no_label() -> None:
    assert weak_code("Fighting and killings in the north", ["1", "3"]) is None
    assert weak_code("Fighting in the north", []) is None


def test_a_toll_names_no_event_kind_but_an_act_or_weapon_does() -> None:
    assert not names_event_kind("Dozens of people are confirmed to have been killed and hundreds wounded.")
    assert names_event_kind("Gunmen shot dead five villagers.")
    assert names_event_kind("Several settlements came under artillery fire.")
