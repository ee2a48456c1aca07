"""The engine's tables (SQLAlchemy Core) and the database engine tuned for each backend.

SQLite: WAL journal, a busy timeout, and ``BEGIN IMMEDIATE`` for write transactions so
concurrent writers queue instead of failing. PostgreSQL: a plain connection pool, with
``synchronous_commit=off``: like SQLite's WAL with ``synchronous=NORMAL``, a commit survives
the engine being killed but not the machine losing power, and does not wait for an fsync.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

from badgegate.engine.storage.record_counts import install_record_counts

metadata = MetaData()
_SEQ = BigInteger().with_variant(Integer(), "sqlite")

#: Every stored record of every tenant; ``seq`` is the immutable insertion order of lists.
records = Table(
    "bg_records",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("tenant", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("rkey", String(64), nullable=False),
    Column("record_id", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("media", String(8), nullable=False),
    Column("valid_from", String(40)),
    UniqueConstraint("tenant", "kind", "rkey", name="bg_records_identity"),
    Index("bg_records_listing", "tenant", "kind", "seq"),
    Index("bg_records_since", "tenant", "kind", "valid_from"),
)

#: How many records each tenant holds of each kind, kept by triggers on ``bg_records``
#: (:mod:`.record_counts`) so a page's total costs one row, not a scan;
#: ``changes`` counts every insert and delete, so it moves whenever the list's members do.
record_counts = Table(
    "bg_record_counts",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("total", BigInteger, nullable=False),
    Column("changes", BigInteger, nullable=False, server_default="0"),
)

#: What each migration run did: the first touch of a record by a run, with the prior version.
history = Table(
    "bg_run_history",
    metadata,
    Column("hid", _SEQ, primary_key=True, autoincrement=True),
    Column("tenant", String(200), nullable=False),
    Column("run_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("rkey", String(64), nullable=False),
    Column("record_id", Text, nullable=False),
    Column("action", String(8), nullable=False),
    Column("prior_record_id", Text),
    Column("prior_body", Text),
    Column("prior_media", String(8)),
    Column("prior_valid_from", String(40)),
    UniqueConstraint("tenant", "run_id", "kind", "rkey", name="bg_run_history_first_touch"),
)

#: Each tenant's issuer Profile, once it has been PUT.
profiles = Table(
    "bg_profiles",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("body", Text, nullable=False),
)

#: Each tenant's Ed25519 issuer keys (32-byte seeds, hex), made on first use; ``issuer`` is the
#: bare UUID of the tenant's Profile id, which names the public keys' URL.
issuer_keys = Table(
    "bg_issuer_keys",
    metadata,
    Column("tenant", String(200), primary_key=True),
    Column("seed", String(64), primary_key=True),
    Column("issuer", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False),
)

#: Clients registered through ``/oauth/register`` (the secret is kept as a SHA-256 digest).
registered_clients = Table(
    "bg_registered_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("secret_digest", String(64), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("tenant", String(200), nullable=False),
)

#: What the authorization code grant needs of a registered client: its redirect URIs (a JSON
#: array) and whether its ``grant_types`` include ``authorization_code``.
client_redirects = Table(
    "bg_client_redirects",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("redirect_uris", Text, nullable=False),
    Column("authorization_code", Boolean, nullable=False),
)

WRITE_OPTION = "badgegate_write"
#: The session options of every PostgreSQL connection of the engine.
POSTGRES_OPTIONS = "-c synchronous_commit=off"


def sqlalchemy_url(location: str) -> str:
    """Turn an ``--engine-db`` value (a SQLAlchemy URL or a file path) into a URL."""
    if "://" in location:
        return location
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def open_database(location: str) -> Engine:
    """Create the database engine for ``location`` and make sure the tables exist."""
    url = make_url(sqlalchemy_url(location))
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url.render_as_string(hide_password=False), url.database)
    else:
        engine = create_engine(
            url,
            pool_size=10,
            max_overflow=20,
            pool_recycle=3600,
            # A connection the server dropped (a restart, an idle timeout) is replaced at
            # checkout instead of failing the request that drew it.
            pool_pre_ping=True,
            connect_args={"options": POSTGRES_OPTIONS},
        )
    metadata.create_all(engine)
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            install_record_counts(connection)
    return engine


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=16,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads run in autocommit mode: the engine serialises SQLite calls on its event loop,
        # so a read's statements see one state without an explicit read transaction.
        if connection.get_execution_options().get(WRITE_OPTION, False):
            connection.connection.driver_connection.execute("BEGIN IMMEDIATE")

    return engine
