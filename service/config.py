"""Settings in one place: the only module that reads the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseModel):
    """The SMTP server e-mail alerts go through (`REDLINE_SMTP__HOST` and so on)."""

    host: str = "localhost"
    port: int = 25
    sender: str = "redline@localhost"
    starttls: bool = False
    username: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = Field(default=None, description="Extra CA bundle for STARTTLS.")
    timeout_s: float = Field(default=10.0, gt=0)


class Settings(BaseSettings):
    """Redline's settings; every field can be set as `REDLINE_<NAME>` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="REDLINE_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Path("data")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means a SQLite file in data_dir."
    )
    model_path: Path | None = Field(
        default=None, description="Model artefact directory; empty means the built-in model."
    )

    poll_interval_s: int = Field(default=300, ge=5, description="How often feeds are polled.")
    scheduler_enabled: bool = True
    sample_feed: bool = Field(
        default=True, description="Register the bundled sample feed on first start."
    )
    file_feed_dirs: list[Path] = Field(
        default_factory=list,
        description="Extra directories whose files may be polled as file:// feeds.",
    )
    fetch_timeout_s: float = Field(default=10.0, gt=0)
    max_feed_bytes: int = Field(default=10_000_000, gt=0)
    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_concurrency: int = Field(default=8, ge=1, le=64, description="Feeds fetched at once.")
    feed_lease_s: int = Field(
        default=300, ge=10, description="How long a replica holds a feed it is fetching."
    )
    feeds_file: Path | None = Field(
        default=None, description="OPML or one-URL-a-line file of feeds registered on start."
    )
    full_text: bool = Field(
        default=False, description="Fetch the article page when an entry's text is short."
    )
    full_text_min_chars: int = Field(default=280, ge=0)

    max_request_bytes: int = Field(default=1_000_000, gt=0)

    risk_rules_interval_s: float = Field(
        default=60.0, gt=0, description="How often risk alert rules are evaluated."
    )

    alert_threshold: float = Field(
        default=0.7, ge=0, le=1, description="Conditional-threat probability that fires an alert."
    )
    webhook_urls: list[AnyHttpUrl] = Field(default_factory=list)
    delivery_interval_s: float = Field(default=5.0, gt=0)
    delivery_timeout_s: float = Field(default=10.0, gt=0)
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_backoff_s: float = Field(default=2.0, gt=0)
    delivery_backoff_max_s: float = Field(default=600.0, gt=0)
    webhook_secret: SecretStr | None = Field(
        default=None, description="Signing secret of the webhook_urls subscriptions."
    )
    delivery_batch: int = Field(default=64, ge=1, description="Deliveries claimed per round.")
    delivery_concurrency: int = Field(default=16, ge=1, description="Sends in flight at once.")
    delivery_lease_s: float = Field(
        default=60.0, gt=0, description="How long a claimed delivery is held before reclaim."
    )
    delivery_rate_per_s: dict[str, int] = Field(
        default_factory=lambda: {"webhook": 1000, "slack": 1, "email": 10},
        description="Sends per second per channel.",
    )
    alert_ttl_s: float = Field(
        default=3600.0, gt=0, description="How long a statement alert stays open (inhibition)."
    )
    outbound_allow: list[str] = Field(
        default_factory=list,
        description="Networks webhooks may reach although private/loopback, e.g. 127.0.0.0/8.",
    )
    smtp: SmtpSettings = SmtpSettings()

    admin_api_key: SecretStr | None = Field(
        default=None, description="A first admin API key (bearer token) so a newcomer can start."
    )
    risk_half_life_h: float = Field(
        default=72.0, gt=0, description="Hours after which a statement weighs half in risk."
    )

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'redline.db'}"
        return self
