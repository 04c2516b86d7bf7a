"""The store's accounts: users, sessions, API keys and the login throttle (shared by every worker,
kept across restarts). Only hashes of passwords, tokens and keys are kept (api/auth.py makes them)."""
from __future__ import annotations

from catalog.errors import Conflict
from catalog.records import ApiKey, Facet, LoginLimits, User, now_iso


class Accounts(Facet):
    def add_user(self, user: User) -> None:
        with self._write() as sql:
            if sql.one("SELECT 1 FROM users WHERE username = %s", (user.username,)):
                raise Conflict(f"user '{user.username}' exists already", "name_taken", name=user.username)
            sql.run("INSERT INTO users (username, password_hash, role, organisation, created_at)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    (user.username, user.password_hash, user.role, user.organisation, now_iso()))

    def user(self, username: str) -> User | None:
        with self._read() as sql:
            row = sql.one("SELECT username, password_hash, role, organisation, created_at FROM users"
                          " WHERE username = %s", (username,))
        return User(*row) if row else None

    def users(self) -> list[User]:
        with self._read() as sql:
            return [User(*r) for r in sql.all("SELECT username, password_hash, role, organisation, created_at"
                                              " FROM users ORDER BY username")]

    def delete_user(self, username: str) -> bool:
        with self._write() as sql:
            sql.run("DELETE FROM sessions WHERE username = %s", (username,))
            return sql.run("DELETE FROM users WHERE username = %s", (username,)).rowcount > 0

    def add_session(self, token_hash: str, username: str, expires_at: str) -> None:
        with self._write() as sql:
            sql.run("DELETE FROM sessions WHERE expires_at < %s", (now_iso(),))  # keep the table small
            sql.run("INSERT INTO sessions (token_hash, username, expires_at) VALUES (%s, %s, %s)",
                    (token_hash, username, expires_at))

    def session_user(self, token_hash: str) -> User | None:
        with self._read() as sql:
            row = sql.one("SELECT u.username, u.password_hash, u.role, u.organisation, u.created_at"
                          " FROM sessions s JOIN users u ON u.username = s.username"
                          " WHERE s.token_hash = %s AND s.expires_at > %s", (token_hash, now_iso()))
        return User(*row) if row else None

    def end_session(self, token_hash: str) -> None:
        with self._write() as sql:
            sql.run("DELETE FROM sessions WHERE token_hash = %s", (token_hash,))

    def begin_login(self, username: str, address: str, limits: LoginLimits, now: float) -> tuple[int | None, str | None]:
        """Count this attempt before its password is checked, so that concurrent guesses cannot slip
        past the limits: (attempt id, None), or (None, the limit reached) without counting it."""
        with self._write() as sql:
            sql.serialize("login_attempts")
            sql.run("DELETE FROM login_attempts WHERE at < %s", (now - limits.window_s,))
            pair = sql.one("SELECT count(*) FROM login_attempts WHERE username = %s AND address = %s",
                           (username, address))[0]
            by_address = sql.one("SELECT count(*) FROM login_attempts WHERE address = %s", (address,))[0]
            by_account = sql.one("SELECT count(*) FROM login_attempts WHERE username = %s", (username,))[0]
            for count, limit, name in ((pair, limits.per_pair, "account_and_address"),
                                       (by_address, limits.per_address, "address"),
                                       (by_account, limits.per_account, "account")):
                if count >= limit:
                    return None, name
            row = sql.one("INSERT INTO login_attempts (username, address, at) VALUES (%s, %s, %s) RETURNING id",
                          (username, address, now))
            return int(row[0]), None

    def login_succeeded(self, attempt: int, username: str, address: str) -> None:
        """The right password: this pair's failures are forgiven (others' from elsewhere are not)."""
        with self._write() as sql:
            sql.run("DELETE FROM login_attempts WHERE id = %s OR (username = %s AND address = %s)",
                    (attempt, username, address))

    def add_api_key(self, key: ApiKey) -> None:
        with self._write() as sql:
            if sql.one("SELECT 1 FROM api_keys WHERE name = %s", (key.name,)):
                raise Conflict(f"an API key named '{key.name}' exists already", "name_taken", name=key.name)
            sql.run("INSERT INTO api_keys (name, key_hash, role, organisation, created_at, revoked)"
                    " VALUES (%s, %s, %s, %s, %s, %s)",
                    (key.name, key.key_hash, key.role, key.organisation, now_iso(), False))

    def api_key(self, key_hash: str) -> ApiKey | None:
        with self._read() as sql:
            row = sql.one("SELECT name, key_hash, role, organisation, created_at, revoked FROM api_keys"
                          " WHERE key_hash = %s AND NOT revoked", (key_hash,))
        return ApiKey(*row[:5], bool(row[5])) if row else None

    def api_keys(self) -> list[ApiKey]:
        with self._read() as sql:
            return [ApiKey(*r[:5], bool(r[5])) for r in sql.all(
                "SELECT name, key_hash, role, organisation, created_at, revoked FROM api_keys ORDER BY name")]

    def revoke_api_key(self, name: str) -> bool:
        with self._write() as sql:
            return sql.run("UPDATE api_keys SET revoked = %s WHERE name = %s AND NOT revoked",
                           (True, name)).rowcount > 0
