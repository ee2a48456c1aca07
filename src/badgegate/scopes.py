"""OAuth 2.0 scope URIs: the four of OB 3.0 and the extension API's own."""

from __future__ import annotations

OB3_SCOPE_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READONLY = OB3_SCOPE_BASE + "credential.readonly"
CREDENTIAL_UPSERT = OB3_SCOPE_BASE + "credential.upsert"
PROFILE_READONLY = OB3_SCOPE_BASE + "profile.readonly"
PROFILE_UPDATE = OB3_SCOPE_BASE + "profile.update"
OB3_SCOPES: tuple[str, ...] = (
    CREDENTIAL_READONLY,
    CREDENTIAL_UPSERT,
    PROFILE_READONLY,
    PROFILE_UPDATE,
)

EXT_SCOPE_BASE = "urn:badgegate:scope:"
ACHIEVEMENT_UPSERT = EXT_SCOPE_BASE + "achievement.upsert"
ACHIEVEMENT_READONLY = EXT_SCOPE_BASE + "achievement.readonly"
PROGRESS_UPSERT = EXT_SCOPE_BASE + "progress.upsert"
PROGRESS_READONLY = EXT_SCOPE_BASE + "progress.readonly"
MIGRATION_ADMIN = EXT_SCOPE_BASE + "migration.admin"
EXT_SCOPES: tuple[str, ...] = (
    ACHIEVEMENT_UPSERT,
    ACHIEVEMENT_READONLY,
    PROGRESS_UPSERT,
    PROGRESS_READONLY,
    MIGRATION_ADMIN,
)

ALL_SCOPES: tuple[str, ...] = OB3_SCOPES + EXT_SCOPES
READONLY_SCOPES: tuple[str, ...] = (
    CREDENTIAL_READONLY,
    PROFILE_READONLY,
    ACHIEVEMENT_READONLY,
    PROGRESS_READONLY,
)


def parse_scopes(text: str, *, separator: str = ",") -> tuple[str, ...]:
    """Parse a scope list (``all`` means every scope); unknown scopes raise ``ValueError``."""
    names = [part.strip() for part in text.split(separator) if part.strip()]
    if names == ["all"]:
        return ALL_SCOPES
    unknown = [name for name in names if name not in ALL_SCOPES]
    if unknown:
        raise ValueError(
            f"unknown scope(s) {', '.join(unknown)}; known scopes: {', '.join(ALL_SCOPES)} or 'all'"
        )
    return tuple(names)
