"""Accounts of the review app, against the real app and store: users and roles, password and token logins hashed
with Argon2, sessions in secure cookies, the reviewer taken from the session, revoking, the refusal to listen
beyond this machine without a user, rate-limited logins, size limits; and the refusal matrix (no login, wrong
role, foreign origin or host, oversized body) printed as a table. A real browser logs in and decides last.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwire import pipeline
from eventwire.errors import UsageError
from eventwire.serve import auth, create_app
from eventwire.settings import Settings
from eventwire.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def accounts_store(demo_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with three users: an admin (password), a reviewer (token) and a reader."""
    db, _, _ = demo_run
    copy = tmp_path_factory.mktemp("accounts") / "review.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        auth.add_user(store, "Ada Admin", "admin", PASSWORD)
        token = auth.add_user(store, "Rui Reviewer", "reviewer")
        auth.add_user(store, "Rhea Reader", "reader", PASSWORD)
    (copy.parent / "token").write_text(token)
    return copy


@pytest.fixture
def db(accounts_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "review.duckdb"
    shutil.copy(accounts_store, copy)
    return copy


def _client(db: Path, host: str = "127.0.0.1") -> TestClient:
    # https: the session cookie is Secure, so the client sends it back only over HTTPS (or to a local browser)
    return TestClient(create_app(Settings.from_env(db=db, map_tiles="", host=host)),
                      base_url="https://127.0.0.1:8765")


def _login(c: TestClient, name: str, password: str) -> int:
    return c.post("/api/login", json={"name": name, "password": password}).status_code


def _event_id(c: TestClient) -> str:
    return c.get("/api/events").json()["events"][0]["event_id_cnty"]


def test_secrets_are_hashed_and_sessions_are_secure_cookies(db: Path) -> None:
    with Store(db) as store:
        rows = store.con.execute("SELECT name, secret_hash FROM users").fetchall()
        assert all(h.startswith("$argon2id$") and PASSWORD not in h for _, h in rows)
        token = auth.add_user(store, "Tom Token", "reviewer")
        assert len(token) >= 32 and auth.verify(store, "Tom Token", token) is not None
        assert auth.verify(store, "Tom Token", token + "x") is None and auth.verify(store, "Nobody", token) is None
    with _client(db) as c:
        assert c.get("/api/events").status_code == 401
        r = c.post("/api/login", json={"name": "Tom Token", "password": token})
        assert r.status_code == 200 and r.json()["user"] == {"name": "Tom Token", "role": "reviewer"}
        cookie = r.headers["set-cookie"].lower()
        assert all(p in cookie for p in ("httponly", "secure", "samesite=strict", "path=/"))
        assert token not in r.headers["set-cookie"]
        assert c.get("/api/events").status_code == 200
        with Store(db) as store:  # (the app in this process holds it read-write) only the hash of the token is stored
            [stored] = store.con.execute("SELECT token_hash FROM sessions WHERE user_name = 'Tom Token'").fetchone()
        assert stored not in r.headers["set-cookie"] and len(stored) == 64


def test_the_reviewer_is_the_session_user_never_the_request_body(db: Path) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200
        r = c.post("/api/decisions", json={"action": "confirm", "reviewer": "Someone Else", "event_id": _event_id(c)})
        assert r.status_code == 201, r.text
        assert r.json()["decision"]["reviewer"] == "Ada Admin"
        assert c.get("/api/meta").json()["user"] == {"name": "Ada Admin", "role": "admin"}


def test_readers_read_and_may_not_decide(db: Path) -> None:
    with _client(db) as c:
        assert _login(c, "Rhea Reader", PASSWORD) == 200
        eid = _event_id(c)
        assert c.get(f"/api/events/{eid}").status_code == 200
        r = c.post("/api/decisions", json={"action": "confirm", "event_id": eid})
        assert (r.status_code, r.json()["code"]) == (403, "E253")
        assert c.get("/api/decisions").json()["decisions"] == []


def test_revoking_ends_sessions_and_logins(db: Path) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200 and c.get("/api/events").status_code == 200
        with Store(db) as store:
            auth.revoke_user(store, "Ada Admin")
        assert c.get("/api/events").status_code == 401
        assert _login(c, "Ada Admin", PASSWORD) == 401
    with Store(db) as store:
        with pytest.raises(UsageError, match="E256"):
            auth.revoke_user(store, "Nobody")
        assert [u.name for u in auth.users(store) if u.active] == ["Rhea Reader", "Rui Reviewer"]


def test_logout_ends_the_session(db: Path) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200
        cookie = c.cookies.get(auth.COOKIE)
        assert c.post("/api/logout", json={}).status_code == 200
        c.cookies.set(auth.COOKIE, cookie)  # the old cookie, replayed
        assert c.get("/api/events").status_code == 401


def test_failed_logins_are_rate_limited(db: Path) -> None:
    with _client(db) as c:
        codes = [_login(c, "Ada Admin", "wrong password!") for _ in range(auth.FAILURES_ALLOWED)]
        assert codes == [401] * auth.FAILURES_ALLOWED
        r = c.post("/api/login", json={"name": "Ada Admin", "password": PASSWORD})
        assert r.status_code == 429 and r.json()["code"] == "E252" and int(r.headers["retry-after"]) > 0
        # the limit is per name and per client: this client cannot try another name either
        assert _login(c, "Rhea Reader", PASSWORD) == 429


def test_listening_beyond_this_machine_needs_a_user(demo_run, tmp_path: Path) -> None:
    db = tmp_path / "nousers.duckdb"
    shutil.copy(demo_run[0], db)
    settings = Settings.from_env(db=db, host="0.0.0.0")
    with pytest.raises(UsageError, match=r"E254.*eventwire users add NAME --role admin"):
        auth.check_can_listen(settings)
    auth.check_can_listen(Settings.from_env(db=db, host="127.0.0.1"))  # this machine only: no account needed
    # and with accounts required, an app without users lets nobody in
    with TestClient(create_app(settings), base_url="https://0.0.0.0:8765") as c:
        assert c.get("/api/events").status_code == 401


def test_loopback_without_users_stays_the_single_user_app(demo_run, tmp_path: Path) -> None:
    db = tmp_path / "single.duckdb"
    shutil.copy(demo_run[0], db)
    with _client(db) as c:
        r = c.post("/api/decisions", json={"action": "confirm", "reviewer": "Ana", "event_id": _event_id(c)})
        assert r.status_code == 201 and r.json()["decision"]["reviewer"] == "Ana"


def test_user_names_roles_and_passwords_are_checked(db: Path) -> None:
    with Store(db) as store:
        for name, role, pw, code in [("", "reader", None, "E257"), ("x" * 65, "reader", None, "E257"),
                                     ("<script>", "reader", None, "E257"), ("Ok Name", "root", None, "E201"),
                                     ("Ok Name", "reader", "short", "E258")]:
            with pytest.raises(UsageError, match=code):
                auth.add_user(store, name, role, pw)


# --------------------------------------------------------------------------- the refusal matrix

ENDPOINTS = [("GET", "/api/events"), ("GET", "/api/events/{eid}"), ("GET", "/api/decisions"),
             ("GET", "/api/meta"), ("POST", "/api/decisions"), ("GET", "/")]
BIG = "x" * 70_000


def _request(c: TestClient, method: str, path: str, *, headers: dict | None = None, body: dict | None = None):
    if method == "GET":
        return c.get(path, headers=headers or {}, follow_redirects=False)
    return c.post(path, content=json.dumps(body or {}), headers={"Content-Type": "application/json"} | (headers or {}))


def test_refusal_matrix(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every endpoint under every refusal condition; the table is printed (run with -s to see it)."""
    with _client(db) as anon, _client(db) as reader, _client(db) as reviewer:
        assert _login(reader, "Rhea Reader", PASSWORD) == 200 and _login(reviewer, "Ada Admin", PASSWORD) == 200
        eid = _event_id(reviewer)
        decision = {"action": "confirm", "event_id": eid, "reason": "matrix"}
        conditions = {
            "no login": lambda m, p: _request(anon, m, p, body=decision),
            "reader (wrong role)": lambda m, p: _request(reader, m, p, body=decision),
            "foreign origin": lambda m, p: _request(reviewer, m, p, body=decision,
                                                    headers={"Origin": "https://evil.example"}),
            "foreign host": lambda m, p: _request(reviewer, m, p, body=decision, headers={"Host": "evil.example"}),
            "oversized body": lambda m, p: _request(reviewer, m, p, body=decision | {"reason": BIG}),
            "reviewer (allowed)": lambda m, p: _request(reviewer, m, p, body=decision),
        }
        table = {cond: {f"{m} {p}": run(m, p.format(eid=eid)).status_code for m, p in ENDPOINTS}
                 for cond, run in conditions.items()}
    width = max(len(c) for c in table)
    lines = [f"{'':{width}}  " + "  ".join(f"{m} {p}" for m, p in ENDPOINTS)]
    for cond, row in table.items():
        lines.append(f"{cond:{width}}  " + "  ".join(f"{row[f'{m} {p}']:^{len(m) + len(p) + 1}}" for m, p in ENDPOINTS))
    with capsys.disabled():
        print("\nrefusal matrix (HTTP status per endpoint)\n" + "\n".join(lines))
    post = "POST /api/decisions"
    assert set(table["no login"].values()) <= {401, 303} and table["no login"]["GET /"] == 303
    assert table["reader (wrong role)"][post] == 403
    assert all(v == 200 for k, v in table["reader (wrong role)"].items() if k != post)
    assert table["foreign origin"][post] == 403
    assert set(table["foreign host"].values()) == {400}
    assert table["oversized body"][post] == 413
    assert table["reviewer (allowed)"][post] == 201
    assert all(v == 200 for k, v in table["reviewer (allowed)"].items() if k != post)


@pytest.mark.parametrize(("path", "params"), [
    ("/api/events", {"country": "x" * 300}), ("/api/events", {"since": "2023-01-01" * 3}),
    ("/api/events", {"min_sources": "-1"}), ("/api/events/" + "e" * 300, None), ("/api/stories/" + "s" * 300, None),
])
def test_every_query_and_path_value_has_a_size_limit(db: Path, path: str, params: dict | None) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200
        assert c.get(path, params=params).status_code == 422


@pytest.mark.parametrize("field", ["reviewer", "reason", "event_id", "field", "other_event_id", "article_id",
                                   "action"])
def test_every_decision_field_has_a_size_limit(db: Path, field: str) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200
        body = {"action": "confirm", "event_id": _event_id(c)} | {field: "x" * 2100}
        assert c.post("/api/decisions", json=body).status_code == 422
        many = {"action": "split", "event_id": _event_id(c), "mention_ids": ["m"] * 10_001}
        assert c.post("/api/decisions", json=many).status_code in (413, 422)
        assert c.get("/api/decisions").json()["decisions"] == []


def test_a_streamed_body_past_the_limit_is_refused(db: Path) -> None:
    with _client(db) as c:
        assert _login(c, "Ada Admin", PASSWORD) == 200

        def chunks():
            for _ in range(100):
                yield b" " * 1000

        r = c.post("/api/decisions", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["code"] == "E255"


# --------------------------------------------------------------------------- a real browser


def test_login_and_decide_in_the_browser(db: Path, watched, serving, screenshots) -> None:
    page = watched.page
    settings = Settings.from_env(db=db, map_tiles="")
    with serving(settings) as base:
        page.goto(base + "/")
        page.wait_for_url("**/login")
        page.wait_for_selector("body[data-ready=login]")
        page.fill("#name", "Ada Admin")
        page.fill("#password", "wrong password!")
        page.click("#submit")
        page.wait_for_selector("#login-message.error")
        assert "E251" in page.locator("#login-message").inner_text()
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_selector("body[data-ready]:not([data-ready=login])")
        assert "Ada Admin (admin)" in page.locator("#account").inner_text()
        with Store(db) as store:
            eid = store.events()[0].id
        watched.ready(f"{base}/#/event/{eid}")
        who = page.locator("#reviewer")
        assert who.input_value() == "Ada Admin" and who.get_attribute("readonly") is not None
        page.evaluate("document.getElementById('reviewer').removeAttribute('readonly')")
        page.fill("#reviewer", "Mallory")  # a changed name in the page changes nothing
        page.fill("#reason", "checked in the browser")
        page.click("#confirm")
        page.wait_for_selector("#notice")
        page.screenshot(path=screenshots / "app-logged-in.png", full_page=True)
        with Store(db) as store:
            [decision] = store.decisions()
        assert decision.reviewer == "Ada Admin"
        page.click("#logout")
        page.wait_for_url("**/login")
        page.goto(base + "/api/events")
        assert "E250" in page.content()
        # a reader sees the event without the review panel
        page.goto(base + "/login")
        page.fill("#name", "Rhea Reader")
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_selector("#account")
        watched.ready(f"{base}/#/event/{eid}")
        assert page.locator("#review").count() == 0
    assert watched.errors == [] and watched.outside == []


PAYLOAD = "<img src=x onerror=\"window.__pwned='feed'\"><script>window.__pwned='feed'</script>"


def test_feed_payloads_run_nothing_in_any_page(tmp_path: Path, watched, serving) -> None:
    """An RSS feed whose outlet, titles, links and entry HTML carry script: the app shows it all as text."""
    text = ("Police said two protesters were killed in Kabul on Monday when security forces opened fire on a crowd "
            "of several hundred people outside the ministry. ")
    entry = (f"<item><title>{_esc(PAYLOAD)} clash</title><link>javascript:window.__pwned='link'</link>"
             f"<pubDate>Mon, 18 Sep 2023 10:00:00 GMT</pubDate><description>{_esc('<p>' + text * 3 + PAYLOAD)}"
             f"</description></item>")
    feed = tmp_path / "hostile.rss"
    feed.write_text(f"<?xml version='1.0'?><rss version='2.0'><channel><title>{_esc(PAYLOAD)}</title>{entry}"
                    f"</channel></rss>", encoding="utf-8")
    db = tmp_path / "feed.duckdb"
    settings = Settings.from_env(db=db, map_tiles="")
    pipeline.run([str(feed)], settings)
    with Store(db) as store:
        [article] = store.articles()
        events = store.events()
        auth.add_user(store, "Ada Admin", "admin", PASSWORD)
    assert "<script>" in (article.outlet or "") + (article.title or "")
    page = watched.page
    with serving(settings) as base:
        page.goto(base + "/login")
        page.fill("#name", "Ada Admin")
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_selector("#account")
        views = ["/", "/#/disputes", "/#/decisions"]
        views += [f"/#/event/{e.id}" for e in events[:2]] + [f"/#/story/{e.story_id}" for e in events[:1]]
        for view in views:
            watched.ready(base + view)
            assert page.evaluate("() => window.__pwned === undefined"), view
            assert page.locator("img[src=x], main script, a[href^='javascript']").count() == 0, view
        if events:
            assert "<script>" in page.locator("main").inner_text()
    assert watched.dialogs == [] and watched.errors == [] and watched.outside == []


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
