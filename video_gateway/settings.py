"""Gateway settings, read once from environment variables (no globals, passed around)."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

MIN_SECRET_BYTES = 32


class SettingsError(ValueError):
    """A setting is missing or invalid; the message says which and how to fix it."""


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8765
    secret: str = ""
    public_url: str = "http://127.0.0.1:8765"
    odoo_url: str = ""
    redis_url: str = ""
    allowed_origins: tuple[str, ...] = ()
    ring_timeout: float = 90.0
    no_answer_choice_timeout: float = 120.0
    reconnect_grace: float = 30.0
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = ""
    turn_ttl: int = 3600
    stun_urls: tuple[str, ...] = ()
    env: str = "development"
    replica_id: str = ""
    max_connections: int = 5000
    max_message_bytes: int = 64 * 1024
    messages_per_second: float = 50.0
    message_burst: int = 200
    recording_max_seconds: int = 1800
    resume_ttl: int = 4 * 3600
    state_dir: str = ""
    callback_max_age: float = 86400.0
    callback_concurrency: int = 8
    shutdown_drain_seconds: float = 10.0
    recorder_ice_loopback: bool = False
    recorder_ice_interfaces: tuple[str, ...] = ()

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def origins(self) -> tuple[str, ...]:
        """Accepted ``Origin`` values: the configured list, else the public URL's origin."""
        if self.allowed_origins:
            return self.allowed_origins
        return (origin_of(self.public_url),)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``GATEWAY_*`` variables; raise :class:`SettingsError`."""
        env = environ.get("GATEWAY_ENV", "development").strip().lower() or "development"
        if env not in ("production", "development"):
            raise SettingsError(f"GATEWAY_ENV must be 'production' or 'development', not {env!r}")
        secret = environ.get("GATEWAY_SECRET", "")
        if len(secret.encode()) < MIN_SECRET_BYTES:
            if env == "production":
                raise SettingsError(
                    "GATEWAY_SECRET is missing or shorter than 32 bytes: the gateway refuses to "
                    "start in production without the secret it shares with Odoo "
                    "(ICP dealer_lead_addon.video_secret).")
            # development: a random secret, so no link minted elsewhere can ever be accepted
            secret = secret or secrets.token_urlsafe(32)
        port = _int(environ, "GATEWAY_PORT", 8765)
        host = environ.get("GATEWAY_HOST", "127.0.0.1").strip() or "127.0.0.1"
        public_url = environ.get("GATEWAY_PUBLIC_URL", "").strip().rstrip("/")
        if not public_url:
            if env == "production":
                raise SettingsError("GATEWAY_PUBLIC_URL is required in production "
                                    "(e.g. https://video.dealer.example).")
            public_url = f"http://{host}:{port}"
        _check_url("GATEWAY_PUBLIC_URL", public_url)
        odoo_url = environ.get("GATEWAY_ODOO_URL", "").strip().rstrip("/")
        if odoo_url:
            _check_url("GATEWAY_ODOO_URL", odoo_url)
        elif env == "production":
            raise SettingsError("GATEWAY_ODOO_URL is required in production (e.g. http://odoo:8069).")
        redis_url = environ.get("GATEWAY_REDIS_URL", "").strip()
        state_dir = environ.get("GATEWAY_STATE_DIR", "").strip()
        if env == "production" and not redis_url and not state_dir:
            raise SettingsError(
                "GATEWAY_STATE_DIR is required in production without GATEWAY_REDIS_URL: "
                "accepted callbacks to Odoo and spent links must survive a restart "
                "(e.g. /var/lib/video_gateway on a volume).")
        turn_urls = _list(environ.get("GATEWAY_TURN_URLS", ""))
        turn_secret = environ.get("GATEWAY_TURN_SECRET", "")
        if turn_urls and not turn_secret:
            raise SettingsError("GATEWAY_TURN_URLS is set but GATEWAY_TURN_SECRET is empty "
                                "(coturn static-auth-secret).")
        return cls(
            host=host,
            port=port,
            secret=secret,
            public_url=public_url,
            odoo_url=odoo_url,
            redis_url=redis_url,
            allowed_origins=tuple(o.rstrip("/") for o in _list(
                environ.get("GATEWAY_ALLOWED_ORIGINS", ""))),
            ring_timeout=_float(environ, "GATEWAY_RING_TIMEOUT", 90.0),
            no_answer_choice_timeout=_float(environ, "GATEWAY_NO_ANSWER_CHOICE_TIMEOUT", 120.0),
            reconnect_grace=_float(environ, "GATEWAY_RECONNECT_GRACE", 30.0),
            turn_urls=turn_urls,
            turn_secret=turn_secret,
            turn_ttl=_int(environ, "GATEWAY_TURN_TTL", 3600),
            stun_urls=_list(environ.get("GATEWAY_STUN_URLS", "")),
            env=env,
            replica_id=environ.get("GATEWAY_REPLICA_ID", "").strip() or secrets.token_hex(4),
            max_connections=_int(environ, "GATEWAY_MAX_CONNECTIONS", 5000),
            recording_max_seconds=_int(environ, "GATEWAY_RECORDING_MAX_SECONDS", 1800),
            resume_ttl=_int(environ, "GATEWAY_RESUME_TTL", 4 * 3600),
            state_dir=state_dir,
            callback_max_age=_float(environ, "GATEWAY_CALLBACK_MAX_AGE", 86400.0),
            callback_concurrency=max(1, _int(environ, "GATEWAY_CALLBACK_CONCURRENCY", 8)),
            shutdown_drain_seconds=_float(environ, "GATEWAY_SHUTDOWN_DRAIN_SECONDS", 10.0),
            recorder_ice_loopback=_bool(environ, "GATEWAY_RECORDER_ICE_LOOPBACK"),
            recorder_ice_interfaces=_list(environ.get("GATEWAY_RECORDER_ICE_INTERFACES", "")),
        )


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
    if value < 0 or (name == "GATEWAY_PORT" and value > 65535):
        raise SettingsError(f"{name} is out of range: {value}")
    return value


def _bool(environ: Mapping[str, str], name: str) -> bool:
    raw = environ.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, not {raw!r}")
    return value


def _check_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, not {url!r}")
