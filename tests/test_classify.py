"""Event taxonomy, sentence classifier and the CASE evaluation harness, on real text."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from eventwire.errors import UsageError
from eventwire.evaluation.case import evaluate_case, score
from eventwire.evaluation.training import written_examples
from eventwire.mentions.classify import (
    MODEL_PATH,
    LinearModel,
    classify_many,
    classify_text,
    explain,
    features,
)
from eventwire.mentions.taxonomy import ACLED_CODES, CASE_CODES, CODES, code_for, get_code, plover_cameo

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
EXAMPLES = REPO / "examples"
VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}


def _example_sentence(pattern: str) -> str:
    """The sentence of a demo article (examples/) that contains ``pattern``."""
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sent in re.split(r"(?<=[.!?])\s+", line):
                if pattern in sent:
                    return sent.strip()
    raise AssertionError(f"demo sentence with {pattern!r} not found")


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_has_25_acled_subtypes_5_others_and_none() -> None:
    assert len(ACLED_CODES) == 25
    assert set(CASE_CODES) - set(ACLED_CODES) == {"DIPLO", "ATTRIB", "ORG_CRIME", "NATURAL_DISASTER",
                                                  "MAN_MADE_DISASTER"}
    assert set(CODES) == set(CASE_CODES) | {"NONE"}
    event_types = {CODES[c].event_type for c in ACLED_CODES}
    assert event_types == {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
                           "Riots", "Strategic developments"}


def test_taxonomy_matches_case_code_list_when_present() -> None:
    path = SHARED / "case2021-task2" / "event_types.txt"
    if not path.exists():
        pytest.skip("shared data absent")
    listed = {line.strip() for line in path.read_text().splitlines() if line.strip()}
    assert listed == set(ACLED_CODES)


def test_acled_names_and_code_for_round_trip() -> None:
    shelling = code_for("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert shelling.code == "ART_MISS_ATTACK"
    assert code_for("Battles", "Armed clash").code == "ARMED_CLASH"
    assert code_for("strategic developments", "agreement").code == "AGREEMENT"
    assert code_for("Protests", "Peaceful protest").code == "PEACE_PROTEST"
    assert code_for("Not ACLED", "Crime").code == "ORG_CRIME"
    for code, entry in CODES.items():
        if code != "NONE":
            assert code_for(entry.event_type, entry.sub_event_type).code == code
    with pytest.raises(UsageError, match=r"\[E201\].*Armed clash"):
        code_for("Battles", "Sword fight")
    assert get_code("air_strike").sub_event_type == "Air/drone strike"


def test_every_code_has_plover_cameo_mapping_and_definition() -> None:
    plover_roots = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
    unmapped = {c for c, e in CODES.items() if e.plover is None}
    assert unmapped == {"NATURAL_DISASTER", "MAN_MADE_DISASTER", "NONE", "OTHER"}
    for code, entry in CODES.items():
        assert entry.definition
        if code not in unmapped:
            assert entry.plover in plover_roots
            assert entry.cameo is not None and re.fullmatch(r"(0[1-9]|1[0-9]|20)", entry.cameo)
    assert CODES["AIR_STRIKE"].plover == "ASSAULT" and CODES["PEACE_PROTEST"].cameo == "14"
    assert CODES["ARREST"].plover == "COERCE"


def test_plover_cameo_refines_statements_by_their_words() -> None:
    condemn = _example_sentence("condemned Azerbaijan’s attack")
    assert plover_cameo("DIPLO", condemn) == ("ACCUSE", "11")
    assert plover_cameo("DIPLO", "The US imposed new sanctions on the junta's leaders.") == ("SANCTION", "16")
    assert plover_cameo("DIPLO", "Azerbaijan responded to these statements with defiance.") == ("REJECT", "12")
    assert plover_cameo("DIPLO", "The two foreign ministers held talks in Geneva.") == ("CONSULT", "04")
    assert plover_cameo("ART_MISS_ATTACK", "anything") == ("ASSAULT", "19")
    assert plover_cameo("NATURAL_DISASTER") == (None, None)


# --------------------------------------------------------------------------- classifier


def test_written_corpus_covers_every_code() -> None:
    codes = {c for c, _ in written_examples()}
    assert codes == set(CODES)


def test_model_file_is_plain_arrays_and_small() -> None:
    with np.load(MODEL_PATH, allow_pickle=False) as z:
        assert z["coef"].shape == (len(z["classes"]), len(z["terms"]))
    assert MODEL_PATH.stat().st_size < 5_000_000
    model = LinearModel.load(MODEL_PATH)
    assert set(model.classes) == set(CODES)


def test_cue_features_name_codebook_evidence() -> None:
    f = features("A roadside bomb struck a patrol; warplanes then bombed the village.")
    assert "q:ied" in f and "q:air" in f
    assert "c:<bom" in f and "b:roadside bomb" in f


def test_demo_shelling_sentence_is_artillery() -> None:
    sent = _example_sentence("came under artillery fire")
    assert classify_text(sent).code == "ART_MISS_ATTACK"


def test_demo_protest_sentence_is_a_protest() -> None:
    sent = _example_sentence("thousands of people gathered in Yerevan")
    c = classify_text(sent)
    assert c.event_type == "Protests", c


def test_demo_statement_is_not_a_violent_event() -> None:
    c = classify_text("Azerbaijan responded to these statements with defiance.")
    assert c.event_type not in VIOLENT_TYPES, c
    assert c.code in {"DIPLO", "NONE"}


def test_demo_surrender_terms_are_an_agreement() -> None:
    sent = _example_sentence("has accepted Azerbaijan’s terms and agreed to dissolve")
    assert classify_text(sent).code == "AGREEMENT"


def test_explain_names_the_evidence() -> None:
    sent = _example_sentence("came under artillery fire")
    terms = [t for t, _ in explain(sent, "ART_MISS_ATTACK", top=40)]
    assert "w:artillery" in terms and "q:artillery" in terms


def test_boilerplate_and_sport_are_none() -> None:
    out = classify_many(["Become an OC Media Member", "Arsenal beat Chelsea 2-1 at the Emirates on Sunday."])
    assert [c.code for c in out] == ["NONE", "NONE"]


def test_batch_equals_single_and_allow_restricts() -> None:
    texts = [_example_sentence("came under artillery fire"), "Become an OC Media Member"]
    many = classify_many(texts)
    assert [c.code for c in many] == [classify_text(t).code for t in texts]
    restricted = classify_many(texts, allow=CASE_CODES)
    assert restricted[1].code != "NONE"
    for c in many:
        assert 0.0 < c.confidence <= 1.0
        assert c.scores[0][0] == c.code and c.scores[0][1] == pytest.approx(c.confidence, abs=1e-3)
        assert c.event_type == CODES[c.code].event_type


# --------------------------------------------------------------------------- evaluation harness


def test_leakage_guard_links_paraphrases_not_unrelated_text() -> None:
    from eventwire.evaluation.training import content_words, resembles

    template = "{REBEL} recaptured {TOWN} from {ARMY} hours after losing it."
    assert "recaptured" in content_words(template) and "{town}" not in content_words(template)
    paraphrase = content_words("Militants recaptured the coastal town hours after losing it to the army.")
    unrelated = content_words("Thousands of people gathered in Yerevan demanding the resignation.")
    assert resembles(template, paraphrase)
    assert not resembles(template, unrelated)


def test_score_reports_weighted_and_macro_f1_and_confusions() -> None:
    gold = ["AIR_STRIKE", "AIR_STRIKE", "ARMED_CLASH", "DIPLO"]
    pred = ["AIR_STRIKE", "ARMED_CLASH", "ARMED_CLASH", "DIPLO"]
    r = score(gold, pred)
    assert r.accuracy == pytest.approx(0.75)
    # ACLED: AIR_STRIKE f1 = 2/3 (n=2), ARMED_CLASH f1 = 2/3 (n=1)
    assert r.weighted_f1_acled == pytest.approx(2 / 3)
    assert r.macro_f1_all == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert r.confusions == [("AIR_STRIKE", "ARMED_CLASH", 1)]
    assert "AIR_STRIKE -> ARMED_CLASH: 1" in r.to_text()
    assert r.to_dict()["confusions"][0]["count"] == 1


def test_evaluate_case_on_tsv_and_cli(tmp_path: Path) -> None:
    tsv = tmp_path / "mini.tsv"
    rows = [
        ("1", _example_sentence("came under artillery fire"), "ART_MISS_ATTACK"),
        ("2", _example_sentence("thousands of people gathered in Yerevan"), "PEACE_PROTEST"),
        ("3", _example_sentence("has accepted Azerbaijan’s terms and agreed to dissolve"), "AGREEMENT"),
    ]
    tsv.write_text("id\tEventSnippet\tSubType\n" + "".join(f"{a}\t{b}\t{c}\n" for a, b, c in rows))
    report = evaluate_case(tsv)
    assert report.n == 3 and report.mode == "model" and not report.seen_by_model
    assert report.accuracy == 1.0
    r = subprocess.run([sys.executable, "-m", "eventwire.cli", "eval", "case", str(tsv), "--json"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert '"weighted_f1_acled": 1.0' in r.stdout


def test_evaluate_case_rejects_wrong_header(tmp_path: Path) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("id\ttext\tlabel\n1\tx\tAIR_STRIKE\n")
    with pytest.raises(UsageError, match=r"\[E208\]"):
        evaluate_case(tsv)


@pytest.mark.slow
def test_cross_validated_dev_score_above_floor() -> None:
    dev = SHARED / "case2021-task2" / "dev.tsv"
    if not dev.exists():
        pytest.skip("shared data absent")
    report = evaluate_case(dev, cv=5, data_root=SHARED)
    assert report.mode == "cv-5" and report.n == 516
    assert report.weighted_f1_acled >= 0.75, report.to_text()
    assert report.weighted_f1_all >= 0.75


def test_cue_screen_never_hides_a_match() -> None:
    """The prefix screen that skips cue regexes must not change any feature on real text."""
    from eventwire.mentions import classify as cls

    texts = [s for p in sorted(EXAMPLES.glob("*.txt"))
             for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8"))]
    texts += [t for _, t in written_examples()]
    assert len(texts) > 1000
    for text in texts:
        low = text.lower()
        got = Counter(f for f in features(text) if f.startswith("q:"))
        expected = {f"q:{name}": min(len(p.findall(low)), 3) for name, p in cls._CUES if p.search(low)}
        assert got == expected, text


def test_char_gram_memo_is_bounded_and_changes_nothing(monkeypatch) -> None:
    """The per-word n-gram memo starts afresh when full (a watch meets new words for days); rows stay the same."""
    from eventwire.mentions import classify

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    assert texts
    free = LinearModel.load(MODEL_PATH).vectorize(texts)
    monkeypatch.setattr(classify, "CHAR_CACHE_WORDS", 50)
    bounded = LinearModel.load(MODEL_PATH)
    rows = bounded.vectorize(texts)
    assert 0 < len(bounded._char_index_cache) <= 50
    assert (rows != free).nnz == 0 and np.array_equal(rows.indices, free.indices)
