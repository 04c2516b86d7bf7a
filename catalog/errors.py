"""The errors of the social map, in one hierarchy.

Each error carries a stable machine-readable `code` (what the pages translate into Dutch, and what
an integrating system may branch on), the parameters that code's text needs, the HTTP status the
API answers it with, and, for bad input, one `Detail` per field. The API turns every one of them
into the same answer with one handler (api/errors.py); the CLI prints the message. The message
is English for developers and logs; the code and parameters are the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Detail:
    """One thing wrong with one field: which field, a code, the parameters of that code, a message."""
    field: str
    code: str
    message: str
    params: dict = field(default_factory=dict)


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None, details: list[Detail] | tuple = (),
                 headers: dict[str, str] | None = None, status: int | None = None, **params):
        """`status`: for an error only its place knows (Starlette's, the request guard's)."""
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = list(details)
        self.headers = headers or {}
        self.params = params

    def __str__(self) -> str:
        return self.message


class InvalidInput(AppError, ValueError):
    """Input that cannot be used; `details` names each field and what to fix."""
    status = 422
    code = "invalid_input"

    @classmethod
    def of_field(cls, name: str, code: str, message: str, **params) -> "InvalidInput":
        """Bad input in one field: the detail carries the code, the error says which field."""
        return cls(f"{name}: {message}", details=[Detail(name, code, message, params)])

    def at(self, name: str) -> "InvalidInput":
        """This error as one of the field `name` (the check of a value does not know its field)."""
        return InvalidInput.of_field(name, self.code, self.message, **self.params)


class NotLoggedIn(AppError):
    status = 401
    code = "login_required"

    def __init__(self, message: str, code: str | None = None, **params):
        super().__init__(message, code, headers={"WWW-Authenticate": "Bearer"}, **params)


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError, LookupError):
    status = 404
    code = "not_found"


class Conflict(AppError, RuntimeError):
    """The write contradicts what is stored (an existing id or name)."""
    status = 409
    code = "conflict"


class VersionConflict(Conflict):
    """Somebody else changed the listing since the caller read it."""
    status = 412
    code = "version_conflict"

    def __init__(self, activity_id: str, expected: int, current: int):
        super().__init__(f"activity '{activity_id}' is at version {current}, not {expected}: somebody changed it "
                         "since you read it; fetch it again, redo your change and send the new version",
                         headers={"ETag": f'"{current}"'}, id=activity_id, expected=expected, current=current)
        self.current = current


class VersionRequired(AppError):
    status = 428
    code = "version_required"


class TooManyAttempts(AppError):
    status = 429
    code = "too_many_attempts"
