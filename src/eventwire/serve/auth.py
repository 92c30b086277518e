"""Accounts of the review app: users with a role, password or token login, sessions in secure cookies.

Roles: a ``reader`` sees everything, a ``reviewer`` also records decisions, an ``admin`` is a reviewer who
manages users (on the command line: ``eventwire users add|revoke|list``). Secrets are stored only as Argon2id
hashes (argon2-cffi); a session is a random token in an HttpOnly, Secure, SameSite=Strict cookie, stored as its
SHA-256, so a copy of the store opens no session. Revoking a user ends its sessions at once.

Accounts are on when the app listens beyond this machine (it refuses to start without a user) or as soon as the
store has one user; then every page and API call but the login needs a session, a decision's reviewer is the
session's user (never a name in the request), and failed logins are rate limited per client and per name.
On 127.0.0.1 with no user the app stays the single-user tool it was: the reviewer types a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from eventwire.errors import Errors, EventwireError, UsageError, choice_error
from eventwire.settings import Settings
from eventwire.store import Store

ROLES = ("reader", "reviewer", "admin")
DECIDERS = ("reviewer", "admin")
COOKIE = "eventwire_session"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
LONGEST_NAME = 64
SHORTEST_PASSWORD = 10
_NAME = re.compile(r"^[\w .@-]{1,64}$")
# failed logins allowed per window, per client address and per user name
FAILURES_ALLOWED = 5
FAILURE_WINDOW_S = 60.0

_hasher = PasswordHasher()  # Argon2id with argon2-cffi's (RFC 9106 low-memory) defaults
# verified when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """A user of the review app."""

    name: str
    role: str
    created_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def public(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise UsageError(Errors.E257, name=name[:80], longest=LONGEST_NAME)
    return name


# --------------------------------------------------------------------------- users in the store


def add_user(store: Store, name: str, role: str, password: str | None = None) -> str:
    """Add (or re-enable with a new secret and role) a user; returns the secret to log in with: ``password``
    when given, else a new random token shown once."""
    name = check_name(name)
    if role not in ROLES:
        raise choice_error("role", role, ROLES)
    if password is not None and len(password) < SHORTEST_PASSWORD:
        raise UsageError(Errors.E258, shortest=SHORTEST_PASSWORD)
    secret = password if password is not None else secrets.token_urlsafe(24)
    with store.transaction():
        store.con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
        store.con.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, NULL)",
                          [name, role, _hasher.hash(secret), _now()])
    return secret


def revoke_user(store: Store, name: str) -> None:
    """Revoke a user: no new login, and its open sessions end now."""
    if get_user(store, name) is None:
        raise UsageError(Errors.E256, name=name, db=store.path)
    with store.transaction():
        store.con.execute("UPDATE users SET revoked_at = ? WHERE name = ?", [_now(), name])
        store.con.execute("DELETE FROM sessions WHERE user_name = ?", [name])


def users(store: Store) -> list[User]:
    """Every user, by name."""
    rows = store.con.execute("SELECT name, role, created_at, revoked_at FROM users ORDER BY name").fetchall()
    return [User(*r) for r in rows]


def get_user(store: Store, name: str) -> User | None:
    row = store.con.execute("SELECT name, role, created_at, revoked_at FROM users WHERE name = ?",
                            [name]).fetchone()
    return User(*row) if row else None


def has_users(store: Store) -> bool:
    return bool(store.con.execute("SELECT count(*) FROM users WHERE revoked_at IS NULL").fetchone()[0])


def verify(store: Store, name: str, secret: str) -> User | None:
    """The active user whose name and secret these are, else None (in about the same time either way)."""
    row = store.con.execute("SELECT secret_hash FROM users WHERE name = ? AND revoked_at IS NULL",
                            [name]).fetchone()
    try:
        _hasher.verify(row[0] if row else _DUMMY, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return get_user(store, name) if row else None


def open_session(store: Store, user: User, hours: int) -> str:
    """A new session for ``user``; returns the token the cookie carries (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with store.transaction():
        store.con.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
        store.con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                          [_token_hash(token), user.name, now, now + dt.timedelta(hours=hours)])
    return token


def session_user(store: Store, token: str | None) -> User | None:
    """The active user of an unexpired session, else None."""
    if not token or len(token) > 200:
        return None
    row = store.con.execute(
        "SELECT u.name, u.role, u.created_at, u.revoked_at FROM sessions s JOIN users u ON u.name = s.user_name "
        "WHERE s.token_hash = ? AND s.expires_at > ? AND u.revoked_at IS NULL", [_token_hash(token), _now()]).fetchone()
    return User(*row) if row else None


def close_session(store: Store, token: str | None) -> None:
    if token:
        with store.transaction():
            store.con.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])


# --------------------------------------------------------------------------- the app's side


def accounts_required(settings: Settings) -> bool:
    """Listening beyond this machine: accounts are required."""
    return settings.host not in LOOPBACK


def check_can_listen(settings: Settings) -> None:
    """Refuse to serve beyond this machine from a store without an active user."""
    if not accounts_required(settings):
        return
    with Store(settings.db) as store:
        if not has_users(store):
            raise UsageError(Errors.E254, host=settings.host, db=settings.db)


class FailedLogins:
    """Failed logins in a sliding window, per client address and per user name (in memory, per process)."""

    def __init__(self, allowed: int = FAILURES_ALLOWED, window_s: float = FAILURE_WINDOW_S) -> None:
        self.allowed, self.window_s = allowed, window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._seen.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def wait_s(self, *keys: str) -> int:
        """Seconds until another try is allowed for all of ``keys`` (0: now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self.window_s - (now - q[0]) for k in keys
                     if len(q := self._recent(k, now)) >= self.allowed]
        return int(max(waits, default=0)) + (1 if waits else 0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)


class Login(BaseModel):
    """A login: the user's name and password (or the token 'eventwire users add' printed)."""

    name: str = Field(max_length=LONGEST_NAME)
    password: str = Field(max_length=1024)


def install(app: Any, settings: Settings, store: Callable[[], AbstractContextManager[Store]], web: Any) -> None:
    """Add the login page (``login.html`` of the folder ``web``), the login API and the session check to ``app``
    (the review app of ``serve``)."""
    required = accounts_required(settings)
    failures = FailedLogins()
    # the feed checks its readers itself: a feed reader logs in with HTTP Basic, not with the login page
    open_paths = ("/login", "/api/login", "/static/", "/feed.atom")

    def lookup(token: str | None) -> tuple[bool, User | None]:
        with store() as s:
            on = required or has_users(s)
            return on, session_user(s, token) if on else None

    @app.middleware("http")
    async def sessions(request: Request, call_next: Any) -> Response:
        on, user = await run_in_threadpool(lookup, request.cookies.get(COOKIE))
        request.state.accounts = on
        request.state.user = user
        path = request.url.path
        if on and user is None and not path.startswith(open_paths):
            if request.method == "GET" and not path.startswith("/api/") and "json" not in \
                    request.headers.get("accept", ""):
                return RedirectResponse("/login", status_code=303)
            return _error(UsageError(Errors.E250), 401)
        return await call_next(request)

    @app.get("/login", include_in_schema=False)
    def login_page() -> FileResponse:
        return FileResponse(str(web / "login.html"), media_type="text/html")

    @app.post("/api/login", summary="Log in with a user name and password or token; sets the session cookie")
    def login(body: Login, request: Request) -> JSONResponse:
        client = f"ip:{request.client.host if request.client else '?'}"
        name_key = f"name:{body.name.strip().lower()}"
        wait = failures.wait_s(client, name_key)
        if wait:
            return _error(UsageError(Errors.E252, name=body.name[:LONGEST_NAME], seconds=wait), 429,
                          {"Retry-After": str(wait)})
        with store() as s:
            user = verify(s, body.name.strip(), body.password)
            token = open_session(s, user, settings.session_hours) if user else None
        if user is None or token is None:
            failures.failed(client, name_key)
            return _error(UsageError(Errors.E251), 401)
        response = JSONResponse({"user": user.public()})
        response.set_cookie(COOKIE, token, max_age=settings.session_hours * 3600, httponly=True, secure=True,
                            samesite="strict", path="/")
        return response

    @app.post("/api/logout", summary="End this session")
    def logout(request: Request) -> JSONResponse:
        with store() as s:
            close_session(s, request.cookies.get(COOKIE))
        response = JSONResponse({"user": None})
        response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response


def current_user(request: Any) -> User | None:
    """The session's user of a request (None when accounts are off)."""
    return getattr(request.state, "user", None)


def reviewer_of(request: Any, typed: str) -> str:
    """Who makes a decision: the session's user when accounts are on (a name in the request is ignored), else the
    name the reviewer typed (the single-user app on this machine). Raises when the user may not decide."""
    if not getattr(request.state, "accounts", False):
        return typed
    user = current_user(request)
    if user is None:
        raise _Refused(UsageError(Errors.E250), 401)
    if user.role not in DECIDERS:
        raise _Refused(UsageError(Errors.E253, user=user.name, role=user.role, action="a decision",
                                  needs=" or ".join(DECIDERS)), 403)
    return user.name


class _Refused(Exception):
    def __init__(self, error: EventwireError, status: int) -> None:
        super().__init__(str(error))
        self.error, self.status = error, status


def refused_handler(_request: Any, exc: _Refused) -> Any:
    return _error(exc.error, exc.status)


Refused = _Refused


def _error(error: EventwireError, status: int, headers: dict[str, str] | None = None) -> Any:
    return JSONResponse({"code": error.code, "message": str(error)}, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes (413), declared or streamed: the body is read
    here first, at most ``limit`` + 1 bytes of it, and handed on only when it fits."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _too_large(self.limit)(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        await self.app(scope, _replay([{"type": "http.request", "body": bytes(body), "more_body": False}], receive),
                       send)


def _replay(messages: list[dict[str, Any]], then: Callable[..., Any] | None = None) -> Callable[..., Any]:
    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def _too_large(limit: int) -> Any:
    return _error(UsageError(Errors.E255, limit=limit), 413)


__all__ = ["COOKIE", "ROLES", "FailedLogins", "Refused", "User", "accounts_required", "add_user", "BodyLimit",
           "check_can_listen", "close_session", "current_user", "get_user", "has_users", "install", "open_session",
           "refused_handler", "revoke_user", "reviewer_of", "session_user", "users", "verify"]
