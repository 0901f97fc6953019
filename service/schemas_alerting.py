"""Request and response models of alerting: rules, previews, silences, subscriptions, deliveries."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Kind = Literal["statement", "risk", "trigger"]
ScoreField = Literal["escalation", "conditional", "threat"]
Label = Literal[
    "rule", "kind", "dyad", "actor", "target", "severity", "item", "statement", "source"
]
Channel = Literal["webhook", "slack", "email"]
Term = Field(min_length=1, max_length=128)
DAY = 86_400.0


def _by_dyad() -> list[Label]:
    return ["dyad"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleFilters(Strict):
    """Empty lists match anything; matching is case-insensitive on the extracted spans."""

    actors: list[str] = Field(default_factory=list, max_length=50)
    targets: list[str] = Field(default_factory=list, max_length=50)
    countries: list[str] = Field(default_factory=list, max_length=50)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    min_severity: int = Field(default=0, ge=0, le=3)
    conditional_only: bool = False


class RuleFields(Strict):
    enabled: bool = True
    threshold: float = Field(default=0.7, ge=0, le=1)
    score_field: ScoreField = "escalation"
    filters: RuleFilters = Field(default_factory=RuleFilters)
    trend_rise: float | None = Field(default=None, ge=0, le=1)
    window_s: int = Field(default=86_400, gt=0, le=90 * 86_400)
    for_s: float = Field(default=0.0, ge=0, le=7 * DAY)
    hysteresis: float = Field(default=0.05, ge=0, le=1)
    group_by: list[Label] = Field(default_factory=_by_dyad, max_length=9)
    group_wait_s: float = Field(default=30.0, ge=0, le=DAY)
    group_interval_s: float = Field(default=300.0, ge=0, le=DAY)
    repeat_interval_s: float = Field(default=14_400.0, ge=0, le=30 * DAY)


class RuleCreate(RuleFields):
    name: str = Field(min_length=1, max_length=128, pattern=r"^[\w .:-]+$")
    kind: Kind = "statement"


class RuleUpdate(Strict):
    """A PATCH: only the fields given change; null is refused where a value is required."""

    name: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"^[\w .:-]+$")
    enabled: bool | None = None
    threshold: float | None = Field(default=None, ge=0, le=1)
    score_field: ScoreField | None = None
    filters: RuleFilters | None = None
    trend_rise: float | None = Field(default=None, ge=0, le=1)
    window_s: int | None = Field(default=None, gt=0, le=90 * 86_400)
    for_s: float | None = Field(default=None, ge=0, le=7 * DAY)
    hysteresis: float | None = Field(default=None, ge=0, le=1)
    group_by: list[Label] | None = Field(default=None, max_length=9)
    group_wait_s: float | None = Field(default=None, ge=0, le=DAY)
    group_interval_s: float | None = Field(default=None, ge=0, le=DAY)
    repeat_interval_s: float | None = Field(default=None, ge=0, le=30 * DAY)

    @model_validator(mode="after")
    def _no_nulls(self) -> RuleUpdate:
        for name in self.model_fields_set - {"trend_rise"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} may not be null")
        return self


class RuleRead(RuleFields):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str
    kind: Kind
    created_at: datetime
    updated_at: datetime


class RuleList(BaseModel):
    rules: list[RuleRead]


class PreviewRequest(Strict):
    """A rule to try (`rule`, or `rule_id` plus `changes`) on the statements of the window."""

    rule: RuleCreate | None = None
    rule_id: int | None = None
    changes: RuleUpdate | None = None
    since: datetime | None = None
    window_s: int = Field(default=7 * 86_400, gt=0, le=365 * 86_400)
    examples: int = Field(default=5, ge=0, le=50)

    @model_validator(mode="after")
    def _one_rule(self) -> PreviewRequest:
        if (self.rule is None) == (self.rule_id is None):
            raise ValueError("give exactly one of rule or rule_id")
        return self


class PreviewExample(BaseModel):
    """One alert the rule would have fired.

    Statement rules: the statement and its `score_field` score. Trigger rules: the threat
    statement, with the report that observed its condition (`report_*`) and `fired_at`, the
    report's time. Risk rules: `fired_at` (= `scored_at`) is the evaluation that fired, `score`
    and `trend` the risk then, and the statement is the one contributing most to that risk
    (0 and "" if none did).
    """

    statement_id: int
    text: str
    score: float
    severity: int
    scored_at: datetime
    group_key: str
    fired_at: datetime | None = None
    trend: float | None = None
    report_statement_id: int | None = None
    report_text: str | None = None


class PreviewRead(BaseModel):
    """What the rule would have raised over `since`..`until`.

    `statements` counts what was looked at: statements (statement rules), trigger reports
    (trigger rules), or the subject's statements in the window (risk rules). Risk rules are
    replayed every `step_s` seconds.
    """

    rule: str
    since: datetime
    until: datetime
    statements: int
    alerts: int
    groups: int
    examples: list[PreviewExample]
    step_s: float | None = None


class MatcherIn(Strict):
    name: Label
    value: str = Field(max_length=512)
    is_regex: bool = False
    is_equal: bool = True

    @model_validator(mode="after")
    def _regex_compiles(self) -> MatcherIn:
        if self.is_regex:
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"bad regex: {exc}") from exc
        return self


class SilenceCreate(Strict):
    matchers: list[MatcherIn] = Field(min_length=1, max_length=20)
    starts_at: datetime | None = None
    ends_at: datetime
    author: str = Field(min_length=1, max_length=256)
    comment: str = Field(default="", max_length=4096)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a timezone (e.g. Z)")
        return value


class SilenceRead(BaseModel):
    id: int
    matchers: list[MatcherIn]
    starts_at: datetime
    ends_at: datetime
    author: str
    comment: str
    state: Literal["pending", "active", "expired"]
    created_at: datetime


class SilenceList(BaseModel):
    silences: list[SilenceRead]


class SubscriptionCreate(Strict):
    channel: Channel
    address: str = Field(min_length=3, max_length=2048, description="URL, or e-mail address.")
    rule_ids: list[int] = Field(min_length=1, max_length=100)
    owner: str | None = Field(default=None, max_length=256)
    secret: SecretStr | None = Field(
        default=None, description="Webhook signing secret (whsec_...); generated when absent."
    )

    @model_validator(mode="after")
    def _address_fits_channel(self) -> SubscriptionCreate:
        if self.channel == "email":
            if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", self.address):
                raise ValueError("address must be an e-mail address")
        elif not re.match(r"https?://[^/\s]+", self.address):
            raise ValueError("address must be an http(s) URL")
        if self.secret is not None and self.channel != "webhook":
            raise ValueError("only webhook subscriptions take a secret")
        return self


class SubscriptionRead(BaseModel):
    """The address is shown masked: for Slack and webhooks the URL path can be a credential."""

    id: int
    channel: Channel
    address: str
    rule_ids: list[int]
    owner: str | None
    enabled: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str | None = Field(description="Shown once, now; keep it to verify signatures.")


class SubscriptionList(BaseModel):
    subscriptions: list[SubscriptionRead]


class TestSendRead(BaseModel):
    outcome: str
    status_code: int | None
    error: str | None
    duration_ms: float


class DeliveryRead(BaseModel):
    id: int
    subscription_id: int | None
    rule_id: int | None
    channel: str
    status: str
    attempts: int
    idempotency_key: str
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryList(BaseModel):
    deliveries: list[DeliveryRead]
