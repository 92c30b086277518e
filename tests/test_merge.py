"""Incremental merging on the real pipeline: runs add to stories and events without recomputing the
store, results do not depend on arrival order, ids persist (aliases for ids that go away), and the
reviewers' decisions (merge, split, edit, confirm, irrelevant) hold on every run.

Real spaCy, geocoder, embedder and DuckDB files; the demo articles plus one short report written for
these tests (``JOINING``, not taken from any corpus).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest

from eventwire import pipeline
from eventwire.model import Claim, Decision, Event, EventMention, Evidence, Place
from eventwire.settings import Settings
from eventwire.store import Store

JOINING = ("Nagorno-Karabakh separatists agree to disarm\n\n"
           "The separatist authorities of Nagorno-Karabakh agreed on Wednesday to disband and disarm their forces "
           "under a ceasefire proposed by the Russian peacekeeping contingent in Stepanakert, a day after Azerbaijan "
           "launched an offensive on the region.\n\n"
           "Talks on the region's reintegration into Azerbaijan are due in Yevlakh on Thursday.\n")


def _copy_examples(examples_dir: Path, dest: Path, names: list[str]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    meta = [json.loads(line) for line in (examples_dir / "eventwire-meta.jsonl").read_text().splitlines()]
    for name in names:
        shutil.copy(examples_dir / name, dest / name)
    (dest / "eventwire-meta.jsonl").write_text("\n".join(json.dumps(m) for m in meta if m["path"] in names) + "\n")
    return dest


def _layer(db: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, tuple[str, ...]]]:
    with Store(db, read_only=True) as store:
        events = {e.id: e.mention_ids for e in store.events()}
        stories = {a: s.id for s in store.stories() for a in s.article_ids}
        episodes = {p.id: p.event_ids for p in store.episodes()}
    return events, stories, episodes


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path):
    """The demo articles added in two runs, the later-published one first."""
    root = tmp_path_factory.mktemp("incremental")
    db = root / "store.duckdb"
    settings = Settings.from_env(db=db)
    names = sorted(p.name for p in examples_dir.glob("*.txt"))
    for name in reversed(names):
        pipeline.run([str(_copy_examples(examples_dir, root / name, [name]))], settings)
    return db


def test_two_runs_give_the_same_stories_events_and_ids_as_one(demo_run, one_by_one) -> None:
    db, _, _ = demo_run
    assert _layer(one_by_one) == _layer(db)


def test_a_run_writes_only_what_changed(demo_run, examples_dir: Path) -> None:
    db, settings, _ = demo_run
    with Store(db, read_only=True) as store:
        before = store.events()
    pipeline.run([str(examples_dir)], settings)
    with Store(db, read_only=True) as store:
        assert store.events() == before
        assert store.merge_pending() == []


def _event_with(events: list[Event], mention_id: str) -> Event:
    return next(e for e in events if mention_id in e.mention_ids)


def _decide(db: Path, action: str, n: int, **fields) -> Decision:
    d = Decision(id=f"d{n}_{action}", action=action, reviewer="tester", made_at=f"2024-01-0{n}T10:00:00Z",
                 reason="test", **fields)
    with Store(db) as store:
        store.add_decision(d)
    return d


def test_reviewers_decisions_survive_re_runs_and_a_new_article(tmp_path: Path, examples_dir: Path) -> None:
    folder = _copy_examples(examples_dir, tmp_path / "in", sorted(p.name for p in examples_dir.glob("*.txt")))
    db = tmp_path / "review.duckdb"
    settings = Settings.from_env(db=db)
    pipeline.run([str(folder)], settings)
    with Store(db, read_only=True) as store:
        events = store.events()
        outlet = {a.id: a.outlet for a in store.articles()}
    # merge: the 19 Sept armed clash and shelling of one outlet into one event
    clash = next(e for e in events if e.sub_event_type == "Armed clash" and e.event_date == dt.date(2023, 9, 19))
    shelling = next(e for e in events if e.sub_event_type.startswith("Shelling") and len(e.article_ids) == 2)
    _decide(db, "merge", 1, event_id=clash.id, mention_ids=clash.mention_ids + shelling.mention_ids)
    # split: the ceasefire agreement both outlets report, one outlet's mention from the other's
    agreement = next(e for e in events if e.sub_event_type == "Agreement" and len(e.article_ids) == 2)
    oc = tuple(m for m in agreement.mention_ids if outlet[m_article(db, m)] == "OC Media")
    other = tuple(m for m in agreement.mention_ids if m not in oc)
    _decide(db, "split", 2, event_id=agreement.id, mention_ids=oc, other_mention_ids=other)
    # edit and confirm the Yerevan protest
    protest = next(e for e in events if e.place and e.place.name == "Yerevan")
    _decide(db, "edit", 3, event_id=protest.id, mention_ids=protest.mention_ids[:1], field="actor1",
            value=json.dumps("Protesters (Armenia) [reviewed]"))
    _decide(db, "confirm", 4, event_id=protest.id, mention_ids=protest.mention_ids[:1])

    def check() -> list[Event]:
        with Store(db, read_only=True) as store:
            now = store.events()
            merged = _event_with(now, clash.mention_ids[0])
            assert shelling.mention_ids[0] in merged.mention_ids
            assert "d1_merge" in merged.decision_ids
            absorbed = clash.id if merged.id != clash.id else shelling.id
            assert store.event(absorbed).id == merged.id  # the absorbed id is an alias
            assert not set(oc) & set(_event_with(now, other[0]).mention_ids)
            edited = _event_with(now, protest.mention_ids[0])
            assert edited.actor1 == "Protesters (Armenia) [reviewed]" and edited.reviewed
            assert {"d3_edit", "d4_confirm"} <= set(edited.decision_ids)
        return now

    pipeline.run([str(folder)], settings)
    check()
    pipeline.run([str(folder)], settings)  # a re-run changes nothing
    before = check()
    # a new article that reports the ceasefire agreement joins an existing event; the decisions hold
    (folder / "joining.txt").write_text(JOINING, encoding="utf-8")
    with (folder / "eventwire-meta.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"path": "joining.txt", "outlet": "Test Wire", "published": "2023-09-20"}) + "\n")
    summary = pipeline.run([str(folder)], settings)
    assert summary.articles_new == 1
    after = check()
    with Store(db, read_only=True) as store:
        new_id = next(a.id for a in store.articles() if a.outlet == "Test Wire")
    joined = [e for e in after if new_id in e.article_ids and e.sub_event_type == "Agreement"]
    assert any(len(e.article_ids) >= 2 for e in joined), [(e.id, e.article_ids) for e in joined]
    assert {e.id for e in before} - {e.id for e in after} <= {a.alias for a in aliases(db)}
    # irrelevant: the rewrite's mentions leave every event
    rewrite = next(a for a, o in outlet.items() if o.startswith("BNB"))
    _decide(db, "irrelevant", 5, article_ids=(rewrite,))
    pipeline.run([str(folder)], settings)
    with Store(db, read_only=True) as store:
        assert not any(rewrite in e.article_ids for e in store.events())


def m_article(db: Path, mention_id: str) -> str:
    with Store(db, read_only=True) as store:
        return store.mentions_by_id([mention_id])[0].article_id


def aliases(db: Path):
    with Store(db, read_only=True) as store:
        return store.aliases()


# --------------------------------------------------------------------------- the rules, on hand-made mentions


TYPES = {"Armed clash": "Battles", "Attack": "Violence against civilians", "Air/drone strike":
         "Explosions/Remote violence", "Arrests": "Strategic developments", "Peaceful protest": "Protests"}


REGION = Place(name="Nagorno-Karabakh", latitude=39.85, longitude=46.75, admin1="Nagorno-Karabakh",
               country="Azerbaijan", geo_precision=3, feature="admin1")


def _mention(article: str, sub: str = "Armed clash", day: int = 19, place: str = "Stepanakert",
             lat: float = 39.8153, lon: float = 46.7519, actor1: str | None = "Military Forces of Azerbaijan",
             precision: int = 1, rank: int = 0, confidence: float = 0.5, text: str | None = None) -> EventMention:
    return EventMention(article_id=article, event_type=TYPES.get(sub, "Battles"), sub_event_type=sub,
                        evidence=(Evidence(text or f"{article} {sub}", 0, 10),), event_date=dt.date(2023, 9, day),
                        time_precision=precision, actor1=actor1, rank=rank, confidence=confidence,
                        place=Place(name=place, latitude=lat, longitude=lon, admin1="Nagorno-Karabakh",
                                    country="Azerbaijan", geo_precision=1, feature="city"))


def test_mentions_merge_by_sub_type_day_place_and_actors() -> None:
    from eventwire import merge

    index = merge.EventIndex()
    ms = [_mention("a1"), _mention("a2"), _mention("a3", day=20), _mention("a4", sub="Attack"),
          _mention("a5", actor1="Military Forces of Russia"), _mention("a6", place="Yerevan", lat=40.18, lon=44.5),
          # another sub-type of the family told in passing, with other words and only the region: no evidence
          # it is the same
          dataclasses.replace(_mention("a7", sub="Air/drone strike", rank=2), place=REGION),
          # another family, even as the main event: a protest is never the clash
          _mention("a8", sub="Peaceful protest")]
    keys = [merge.mention_key(m, dt.date(2023, 9, 20).toordinal()) for m in ms]
    changes = index.update(added=keys, stories={m.article_id: "s1" for m in ms})
    groups = sorted(sorted(index.keys[m].article_id for m in members) for members in changes.updated.values())
    # a4, the main event of its article typed as an attack, is the clash the same story's other reports tell
    assert groups == [["a1", "a2", "a4"], ["a3"], ["a5"], ["a6"], ["a7"], ["a8"]]
    # another order, other batches: the same events and ids
    again = merge.EventIndex()
    for k in reversed(keys):
        again.update(added=[k], stories={k.article_id: "s1"})
    assert again.events() == index.events()


def test_a_later_report_with_an_earlier_anchor_renames_the_event_and_keeps_an_alias() -> None:
    from eventwire import merge

    index = merge.EventIndex()
    late = merge.mention_key(_mention("b"), dt.date(2023, 9, 21).toordinal())
    index.update(added=[late], stories={"b": "s"})
    [first_id] = index.events()
    early = merge.mention_key(_mention("a"), dt.date(2023, 9, 20).toordinal())
    changes = index.update(added=[early], stories={"a": "s"})
    [now] = index.events()
    assert now != first_id and changes.removed == {first_id: now}
    assert dataclasses.replace(early).anchor < late.anchor


def test_dated_stream_within_lateness_gives_the_same_events_in_any_order() -> None:
    """150 days of mentions (eviction on), shuffled so no article is more than five days late, in batches
    of 1, 37 and all: the same events as in publication order."""
    from eventwire import merge

    rng = random.Random(7)
    places = [("Stepanakert", 39.8153, 46.7519), ("Yerevan", 40.18, 44.5), ("Baku", 40.41, 49.87)]
    subs = ["Armed clash", "Attack", "Shelling/artillery/missile attack"]
    keys = []
    for i in range(1500):
        pub = dt.date(2023, 1, 1) + dt.timedelta(days=i // 10)
        name, lat, lon = places[rng.randrange(3)]
        m = _mention(f"a{i:05d}", sub=subs[rng.randrange(3)], day=1, place=name, lat=lat, lon=lon)
        m = dataclasses.replace(m, event_date=pub - dt.timedelta(days=rng.randrange(2)))
        keys.append((merge.mention_key(m, pub.toordinal()), f"s{i // 10 // 3}"))

    def run(order: list, batch: int) -> dict:
        index = merge.EventIndex()
        for i in range(0, len(order), batch):
            part = order[i:i + batch]
            index.update(added=[k for k, _ in part], stories={k.article_id: s for k, s in part})
        return index.events()

    reference = run(keys, 10)
    assert 100 < len(reference) < 1500
    for seed in (1, 2, 3):
        r = random.Random(seed)
        late = sorted(keys, key=lambda ks: ks[0].anchor[0] + 5 * r.random())
        for batch in (1, 37, len(late)):
            assert run(late, batch) == reference, (seed, batch)


def test_one_occurrence_typed_differently_is_one_event_with_its_fields_decided() -> None:
    """The anti-piracy raid of ECB+ topic 12: Arrests in one report, Disrupted weapons use... here an Arrests,
    an Armed clash and an Air/drone strike told as their articles' main event in one story are one event;
    the sub-type is decided by confidence x independence x specificity, with who supports it and who not."""
    from eventwire import merge

    ms = [_mention("b1", sub="Arrests", confidence=0.4), _mention("b2", sub="Armed clash", confidence=0.5),
          _mention("b3", sub="Air/drone strike", confidence=0.6),
          # told in passing, with no count of its own and only the region: no evidence it is the same
          dataclasses.replace(_mention("b4", sub="Attack", rank=3, text="b4 twelve dead"),
                              claims=(), place=REGION)]
    index = merge.EventIndex()
    index.update(added=[merge.mention_key(m, dt.date(2023, 9, 20).toordinal()) for m in ms],
                 stories={m.article_id: "s" for m in ms})
    [(eid, members)] = [(e, m) for e, m in index.events().items() if len(m) > 1]
    assert len(members) == 3
    event = merge.build_event(eid, [m for m in ms if m.id in members], {m.article_id: "s" for m in ms})
    assert event.sub_event_type == "Air/drone strike" and event.event_type == "Explosions/Remote violence"
    [sub] = [f for f in event.field_support if f.field == "sub_event_type"]
    assert sub.support == tuple(m.id for m in ms if m.sub_event_type == "Air/drone strike")
    assert len(sub.disagree) == 2 and sub.weight < sub.against  # said so: the others outweigh it together
    # copies share one vote: b1 and b2 copied from one report count once, and the strike wins more clearly
    copied = merge.build_event(eid, [m for m in ms if m.id in members], {m.article_id: "s" for m in ms},
                               origin_of={"b1": "o", "b2": "o", "b3": "b3"})
    [sub2] = [f for f in copied.field_support if f.field == "sub_event_type"]
    assert sub2.against < sub.against


def test_two_countries_named_alone_that_are_the_actors_nationalities_do_not_contradict() -> None:
    """ECB+ topic 12: one report of the anti-piracy raid is placed in "India" (the Indian navy), another in
    "Somalia" (Somali pirates); both are only who took part. Two countries neither actor belongs to do contradict."""
    from eventwire import merge

    def national(article: str, country: str, actor2: str) -> EventMention:
        m = _mention(article, sub="Disrupted weapons use", actor1="Military Forces of India")
        return dataclasses.replace(m, actor2=actor2, place=Place(name=country, latitude=None, longitude=None,
                                                                 country=country, geo_precision=3, feature="country"))

    day = dt.date(2023, 9, 20).toordinal()
    india, somalia = national("n1", "India", "Pirates (Somalia)"), national("n2", "Somalia", "Pirates (Somalia)")
    assert merge.events.compatible(merge.mention_key(india, day), merge.mention_key(somalia, day))
    kenya = national("n3", "Kenya", "Pirates (Somalia)")
    assert not merge.events.compatible(merge.mention_key(india, day), merge.mention_key(kenya, day))


def test_a_town_beats_the_region_it_lies_in_and_both_support_it() -> None:
    from eventwire import merge

    region = dataclasses.replace(_mention("c2", confidence=0.9), place=Place(
        name="Nagorno-Karabakh", latitude=39.85, longitude=46.75, admin1="Nagorno-Karabakh", country="Azerbaijan",
        geo_precision=3, feature="admin1"))
    town = _mention("c1", confidence=0.3)
    event = merge.build_event("e", [town, region], {})
    assert event.place.name == "Stepanakert"
    [place] = [f for f in event.field_support if f.field == "place"]
    assert set(place.support) == {town.id, region.id} and place.disagree == ()


def test_reports_days_apart_in_different_stories_join_when_day_place_and_actors_agree() -> None:
    """Two articles' main events typed differently, in different stories (published days apart): one event when
    both give the same precise day and town and name a side in common; apart when they share no actor."""
    from eventwire import merge

    strike = _mention("d1", sub="Air/drone strike", actor1="Military Forces of Azerbaijan")
    clash = _mention("d2", sub="Armed clash", actor1="Military Forces of Azerbaijan")
    unnamed = _mention("d3", sub="Attack", actor1=None)
    index = merge.EventIndex()
    index.update(added=[merge.mention_key(strike, dt.date(2023, 9, 20).toordinal()),
                        merge.mention_key(clash, dt.date(2023, 9, 24).toordinal()),
                        merge.mention_key(unnamed, dt.date(2023, 9, 24).toordinal())],
                 stories={"d1": "s1", "d2": "s2", "d3": "s3"})
    groups = sorted(sorted(index.keys[m].article_id for m in ms) for ms in index.events().values())
    assert groups == [["d1", "d2"], ["d3"]]


def test_undated_articles_are_placed_by_the_day_they_were_stored_and_leave_the_live_window(
        tmp_path: Path, examples_dir: Path) -> None:
    """Two undated reports of one story (the demo article and a copy with a line added): stored the same day they
    are one story; stored 30 days apart they are two, and the earlier one has left the live window, so a watch over
    undated texts does not hold every article it ever read."""
    import pickle

    from eventwire.pipeline.merged import MERGED_LAYER

    text = (examples_dir / "000_c271fdd144f74993.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text + "\n\nThe ceasefire held on Thursday, residents said.\n", encoding="utf-8")
    extracted = tmp_path / "extracted.duckdb"
    settings = Settings.from_env(db=extracted)
    with Store(extracted) as store:
        pipeline.ingest([str(folder)], store, settings)
        pipeline.extract_pending(store, settings)
        articles = {Path(a.source).name: a for a in store.articles()}
    assert set(articles) == {"a.txt", "b.txt"} and all(a.published is None for a in articles.values())

    def merged(shift_days: int) -> tuple[list[tuple[str, ...]], set[str]]:
        db = tmp_path / f"shift-{shift_days}.duckdb"
        shutil.copy(extracted, db)
        with Store(db) as store:
            store.con.execute(f"UPDATE articles SET ingested_at = ingested_at + INTERVAL {shift_days} DAY "
                              "WHERE id = ?", [articles["b.txt"].id])
            pipeline.update_merged(store)
            groups = sorted(s.article_ids for s in store.stories())
            layer = pickle.loads(store.load_state(MERGED_LAYER, pipeline.merged_layer_version()))
        return groups, {a for ids in layer.live_days.values() for a in ids}

    a, b = articles["a.txt"].id, articles["b.txt"].id
    groups, live = merged(0)
    assert groups == [tuple(sorted((a, b)))] and live == {a, b}
    groups, live = merged(30)
    assert groups == sorted([(a,), (b,)]) and live == {b}


def _groups(ms: list[EventMention], stories: dict[str, str] | None = None) -> list[list[str]]:
    from eventwire import merge

    index = merge.EventIndex()
    index.update(added=[merge.mention_key(m, dt.date(2023, 9, 20).toordinal()) for m in ms],
                 stories=stories or {m.article_id: "s" for m in ms})
    return sorted(sorted(index.keys[m].article_id + ":" + index.keys[m].sub_event_type[:5] for m in members)
                  for members in index.events().values())


def test_kinds_of_violence_an_article_tells_apart_stay_apart_and_others_join_on_day_and_town() -> None:
    """ACLED codes one event per sub-type, place and day: where one article tells a clash and an air strike
    in Stepanakert, they are two events, and other reports of each join their like; a report told in passing
    of another kind, on the same day in the same town in the same story, is the same occurrence typed
    differently."""
    ms = [_mention("x", sub="Armed clash"), _mention("x", sub="Air/drone strike", rank=1),
          _mention("y", sub="Armed clash"), _mention("z", sub="Air/drone strike", rank=1)]
    assert _groups(ms) == [["x:Air/d", "z:Air/d"], ["x:Armed", "y:Armed"]]
    one = [_mention("u", sub="Armed clash"), _mention("v", sub="Shelling/artillery/missile attack", rank=2)]
    assert _groups(one) == [["u:Armed", "v:Shell"]]
    # a day apart, or in another town: two events
    other_day = [_mention("u", sub="Armed clash"), _mention("v", sub="Shelling/artillery/missile attack", rank=2,
                                                            day=20)]
    assert len(_groups(other_day)) == 2
    other_town = [_mention("u", sub="Armed clash"), _mention("v", sub="Shelling/artillery/missile attack", rank=2,
                                                             place="Ganja", lat=40.68, lon=46.36)]
    assert len(_groups(other_town)) == 2


def _at(m: EventMention, name: str, country: str, lat: float, lon: float, feature: str = "city",
        evidence: str = "") -> EventMention:
    return dataclasses.replace(m, place=Place(name=name, latitude=lat, longitude=lon, country=country,
                                              admin1=None if feature == "country" else name,
                                              geo_precision=3 if feature == "country" else 1, feature=feature,
                                              evidence=evidence or f"off {name}."))


def test_a_country_named_alone_or_a_dateline_contradicts_no_place_but_two_towns_far_apart_do() -> None:
    """The anti-piracy raid of ECB+ topic 12, told as the main event of three articles: "Somalia" (the pirates'
    country) in one, "Aden" in another, "Mumbai, Nov 11" as a third's dateline: one event. Two countries named
    alone, or two towns of two countries, are two places."""
    raid = _mention("r1", sub="Disrupted weapons use")
    somalia = _at(raid, "Somalia", "Somalia", 6.0, 47.0, "country")
    aden = _at(_mention("r2", sub="Armed clash"), "Aden", "Yemen", 12.78, 45.04)
    mumbai = _at(_mention("r3", sub="Arrests"), "Mumbai", "India", 19.07, 72.88,
                 evidence="Navy nabs 26 pirates\nMumbai, Nov 11")
    india = _at(_mention("r4", sub="Armed clash"), "India", "India", 22.0, 79.0, "country")
    assert len(_groups([somalia, aden, mumbai])) == 1
    # without the dateline, Mumbai is a town named as the place, far from Aden: the two cannot be one event
    named = dataclasses.replace(mumbai, place=dataclasses.replace(mumbai.place, evidence="pirates held in Mumbai"))
    assert len(_groups([aden, named])) == 2
    # two countries named alone
    djibouti = _at(_mention("r5", sub="Disrupted weapons use"), "Djibouti", "Djibouti", 11.8, 42.6, "country")
    assert len(_groups([somalia, djibouti])) == 2
    # a country contains its towns: "India" and "Mumbai" named in the sentence are one place
    assert len(_groups([india, named])) == 1


def _dead(m: EventMention, n: int) -> EventMention:
    ev = m.evidence[0]
    return dataclasses.replace(m, claims=(Claim(field="fatalities", text=f"{n} killed", evidence=ev, value_low=n,
                                                value_high=n, value_best=n, article_id=m.article_id),))


def test_a_riot_told_as_an_attack_elsewhere_is_one_event_on_a_count_in_common_and_never_on_day_alone() -> None:
    """The Athens riot of ECB+ topic 8: a bank set on fire, three dead, a Violent demonstration in most reports and
    an Attack on civilians in one. Across a violent event and a demonstration, the same story and the same day and
    town are not enough (a shooting and the riot after it, a bombing and the protest against it); the same
    casualty count is. A development never joins a violent event."""
    riot = dataclasses.replace(_mention("g1", sub="Violent demonstration", actor1="Rioters (Azerbaijan)"),
                               event_type="Riots")
    attack = _mention("g2", sub="Attack", actor1="Unidentified Armed Group (Azerbaijan)")
    assert len(_groups([riot, attack])) == 2
    assert _groups([_dead(riot, 3), _dead(attack, 3)]) == [["g1:Viole", "g2:Attac"]]
    assert len(_groups([_dead(riot, 3), _dead(attack, 3)], stories={"g1": "s1", "g2": "s2"})) == 2
    deal = dataclasses.replace(_mention("g3", sub="Agreement"), event_type="Strategic developments")
    assert len(_groups([_dead(deal, 3), _dead(attack, 3)])) == 2
    # the fields are decided over the mentions: the riot's sub-type, the specific reading, against the catch-all
    from eventwire import merge

    event = merge.build_event("e", [_dead(riot, 3), _dead(attack, 3)], {})
    assert (event.event_type, event.sub_event_type) == ("Riots", "Violent demonstration")


def test_a_copied_report_joins_its_original_before_a_report_of_the_next_night() -> None:
    """Three reports of one story: a riot on the 19th, a copy of its wording dated only to the week (published the
    day after), and a riot on the 20th. The copy fits either night by its date; it joins the report it copies."""
    text = "Police fired tear gas at hundreds of youths who torched cars and smashed shop windows in the centre"
    first = _mention("h1", sub="Violent demonstration", actor1="Rioters (Azerbaijan)", text=text)
    copy = _mention("h2", sub="Violent demonstration", actor1="Rioters (Azerbaijan)", day=20, precision=2,
                    text=text + " overnight")
    # the other night's report sorts first by id, so only the evidence decides where the copy goes
    night = _mention("h0", sub="Violent demonstration", actor1="Rioters (Azerbaijan)", day=20,
                     text="Another night of unrest: masked men threw petrol bombs at the ministry")
    assert _groups([first, copy, night]) == [["h0:Viole"], ["h1:Viole", "h2:Viole"]]


def test_an_actor_s_side_is_its_country_with_or_without_the_article() -> None:
    from eventwire.model import actor_side

    assert actor_side("Military Forces of the United States") == actor_side("Rioters (United States)") == (
        "united states")
    assert actor_side("Government of the Democratic Republic of Congo") == actor_side(
        "Civilians (Democratic Republic of Congo)")
    assert actor_side("Military Forces of Azerbaijan (2003-)") == "azerbaijan"
    assert actor_side("Hamas") == "hamas"


def test_reports_of_two_air_strikes_make_two_events_with_their_rival_tolls(tmp_path: Path) -> None:
    """Thirteen reports of two air strikes in the form of wire, broadcaster and regional copy (written for this
    test, ``fixtures/strike_reports.jsonl``: a* one strike on a school, b* another on a tent camp): datelines,
    the military's own account, witnesses' details, a toll that "has risen to 31". Each strike is one event
    holding its reports, never the other's, and the camp strike's rival tolls (11 and 13) are a dispute."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "strike_reports.jsonl", src / "strike_reports.jsonl")
    db = tmp_path / "strikes.duckdb"
    pipeline.run([str(src)], Settings.from_env(db=db))
    with Store(db, read_only=True) as store:
        key = {a.id: (a.url or "").rsplit("/", 1)[-1] for a in store.articles()}  # a0 ... b3
        events = store.events()
    held = [{key[a] for a in e.article_ids} for e in events]
    assert all(len({a[0] for a in h}) == 1 for h in held)  # no event holds reports of both strikes
    school = max(held, key=lambda h: len({a for a in h if a.startswith("a")}))
    camp = max(held, key=lambda h: len({a for a in h if a.startswith("b")}))
    assert len(school) == 9 and len(camp) == 4 and len(events) == 2
    [camp_event] = [e for e in events if {key[a] for a in e.article_ids} == camp]
    assert camp_event.disputed and camp_event.fatalities_low == 11 and camp_event.fatalities_high == 13
