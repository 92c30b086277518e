"""Real 2008 news pages (L3S-GN1, ../shared/data/l3s-gn1; skipped without it): the date a page prints,
the page furniture of table layouts, the outlet's name.

- earthtimes.org "US mulling extra 3,000 Marines for Afghanistan" (131d9e57): a table layout whose
  rows ran the navigation bar, the copyright and disclaimer lines, the story and a sidebar headline
  of another story ("Two Muslim militants killed in southern Philippine raid") into single lines;
  the headline and the story's toll of 2007 became "an armed clash in Washington, 2 (2-6401)
  killed", undated although the page prints "Posted : Thu, 10 Jan 2008".
- wjactv.com (246e3fec) prints "POSTED: 5:09 pm EST January 10, 2008", cbc.ca (2b08c951) "Last
  Updated: Thursday, December 27, 2007" (its URL's date), below the page's head and in no metadata.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.model import UNKNOWN_OUTLET, Article

EARTHTIMES = "131d9e57-e21c-44ea-93e2-57df3e949104.html"


def _article(shared_data: Path, name: str) -> Article:
    found = [r for r in read_inputs([str(shared_data / "l3s-gn1" / "original" / name)])]
    assert len(found) == 1 and isinstance(found[0], Article), found
    return found[0]


def test_a_layout_tables_furniture_and_sidebar_are_removed_the_story_kept(shared_data: Path) -> None:
    a = _article(shared_data, EARTHTIMES)
    assert a.text.count("Washington - The United States is considering sending an extra 3,000 Marines") == 1
    assert "More than 6,400 people were killed in 2007" in a.text
    for furniture in ("Two Muslim militants", "Philippine", "Earthtimes.org", "All Rights Reserved",
                      "The views expressed", "Copyright", "News Archives", "Africa"):
        assert furniture not in a.text, furniture
    removed = {s.text: s.reason for s in a.removed}
    sidebar = next(t for t in removed if "Two Muslim militants" in t)
    assert removed[sidebar] in ("link-list", "related-links")
    assert any(r == "copyright" and "respective author" in t for t, r in removed.items())
    assert any(r == "disclaimer" and "not necessarily those of" in t for t, r in removed.items())


def test_the_date_a_page_prints_is_its_publication_date(shared_data: Path) -> None:
    earthtimes = _article(shared_data, EARTHTIMES)
    assert str(earthtimes.published) == "2008-01-10" and earthtimes.published_from in ("dateline", "page-text")
    posted = _article(shared_data, "246e3fec-dfaa-4a58-9147-b0370c60f881.html")
    assert (str(posted.published), posted.published_from) == ("2008-01-10", "page-text")
    updated = _article(shared_data, "2b08c951-2408-402f-98d2-d65d50abd0e5.html")
    assert (str(updated.published), updated.published_from) == ("2007-12-27", "page-text")


def test_no_event_from_the_sidebar(shared_data: Path) -> None:
    from eventwire import pipeline
    from eventwire.settings import Settings

    page = shared_data / "l3s-gn1" / "original" / EARTHTIMES
    results = [x for x in pipeline.extract([str(page)], Settings.from_env()) if isinstance(x, tuple)]
    assert len(results) == 1
    article, mentions = results[0]
    for m in mentions:
        assert "Philippine" not in " ".join(e.text for e in m.evidence)
        assert m.event_date is None or m.event_date.year >= 2007
        assert all(c.value_low != 2 for c in m.claims)  # the sidebar's "Two ... killed"


def test_the_outlet_is_the_sites_name_else_unknown(shared_data: Path) -> None:
    named = _article(shared_data, "33c5a0e8-5aa2-4fd3-b7a8-a6c55f2b6ef8.html")  # <meta name="publisher">
    assert named.outlet == "ogpaper.com" and named.outlet_name == "ogpaper.com"
    bare = _article(shared_data, EARTHTIMES)  # no site name, no URL in the page
    assert bare.outlet is None and bare.outlet_name == UNKNOWN_OUTLET


@pytest.mark.parametrize(("text", "expected"), [
    ("Home | News Posted : Thu, 10 Jan 2008 03:47:03 GMT Author : DPA", "2008-01-10"),
    ("Last Updated: Thursday, December 27, 2007 | 10:56 AM CT", "2007-12-27"),
    ("Updated January 9, 2008. First published: January 8, 2008", "2008-01-08"),
    ("Release date: March 9, 2008 and nothing else", None),
])
def test_printed_date_reads_a_labelled_date_only(text: str, expected: str | None) -> None:
    from eventwire.ingest.meta import printed_date

    found = printed_date(text)
    assert (str(found) if found else None) == expected
