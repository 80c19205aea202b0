"""The technology market (thị trường KH&CN): offers and needs (`Listing`, with the fields of the
Enterprise Europe Network's partnering profiles), the feedback on matches (`MatchFeedback`),
the brokerage pipeline (`Connection` and its dated, attributed `ConnectionEvent`s) and the
supply–demand events and fairs (`Fair`, its `Participant`s, `MeetingRequest`s and the
scheduled `Meeting`s).

A listing is submitted by a signed-in user for an enterprise, an organization or themselves
(an expert), moderated by DOST, and published until it expires; the owner renews or withdraws
it. Its owner's name may be hidden until the owner releases their contacts to someone.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AuditedModel
from stihub.registry.models import (
    Enterprise,
    Expert,
    FieldOfScience,
    Organization,
    Searchable,
    split_list,
)

from .choices import (
    TRL,
    FairKind,
    IPProtection,
    Kind,
    ParticipantRole,
    Partnership,
    Status,
    Step,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 1, "null": True, "blank": True}
SECTOR = RegexValidator(r"^\d{2}$", _("A VSIC 2018 division: two digits, e.g. 10."))


class Listing(Searchable, AuditedModel):
    """A technology offer (công nghệ chào bán) or need (nhu cầu công nghệ)."""

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    description = models.TextField(_("description"), blank=True)
    advantages = models.TextField(_("advantages and innovation"), blank=True)
    stage = models.PositiveSmallIntegerField(
        _("readiness (TRL)"),
        choices=TRL,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    ip_status = models.CharField(
        _("IP status"), max_length=10, choices=IPProtection.choices, blank=True
    )
    partnership = models.CharField(
        _("partnership sought"), max_length=100, blank=True, help_text=_("Codes separated by ;")
    )
    sector = models.CharField(
        _("sector (VSIC division)"), max_length=2, blank=True, validators=[SECTOR]
    )
    field = models.ForeignKey(
        FieldOfScience,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field of science"),
    )
    ipc = models.CharField(_("IPC classes"), max_length=100, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separated by ;")
    )
    region = models.CharField(_("province or region"), max_length=60, default="Nghệ An")
    price_min = models.DecimalField(_("price or budget from (million VND)"), **MONEY)
    price_max = models.DecimalField(_("price or budget up to (million VND)"), **MONEY)
    expires_on = models.DateField(_("expires on"))
    anonymous = models.BooleanField(_("hide the owner until contacts are released"), default=False)
    owner = models.ForeignKey(
        USER, models.PROTECT, related_name="listings", verbose_name=_("submitted by")
    )
    owner_name = models.CharField(_("offered or sought by"), max_length=300)
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("enterprise"),
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("organization"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("moderator")
    )
    moderation_note = models.TextField(_("moderator's note"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_min__lte=models.F("price_max")),
                name="market_listing_price_range",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)

    @property
    def partnership_list(self) -> list[str]:
        return split_list(self.partnership)

    @property
    def partnership_labels(self) -> list[str]:
        labels = dict(Partnership.choices)
        return [str(labels.get(code, code)) for code in self.partnership_list]

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def live(self) -> bool:
        """On the market: published and not expired."""
        return self.status == Status.PUBLISHED and not self.expired

    def search_parts(self):
        return self.title, [self.code, self.summary, self.description, self.keywords]

    def sort_text(self):
        return self.title


class MatchFeedback(models.Model):
    """A judgement of a match (đánh giá kết quả ghép nối): useful or not, by DOST or the need's
    owner, kept with the rank and score the match had, for evaluating the matching."""

    need = models.ForeignKey(Listing, models.CASCADE, related_name="feedback_as_need")
    offer = models.ForeignKey(Listing, models.CASCADE, related_name="feedback_as_offer")
    by = models.ForeignKey(USER, models.CASCADE, related_name="+", verbose_name=_("by"))
    useful = models.BooleanField(_("useful"))
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=20, blank=True)
    at = models.DateTimeField(_("time"), auto_now=True)

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer", "by"], name="market_feedback_once")
        ]

    def __str__(self):
        return f"{self.need.code} → {self.offer.code}: {'+' if self.useful else '-'}"


class Fair(AuditedModel):
    """A supply–demand connection event or technology fair (điểm kết nối cung cầu, chợ công
    nghệ và thiết bị): its days, B2B meeting grid (slots of `meeting_minutes` between
    `day_starts` and `day_ends`, `tables` shared tables besides the booths) and registration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=FairKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=300)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    registration_closes_on = models.DateField(_("registration closes"))
    day_starts = models.TimeField(_("B2B meetings from"), default="08:00")
    day_ends = models.TimeField(_("B2B meetings until"), default="11:30")
    meeting_minutes = models.PositiveSmallIntegerField(
        _("minutes per meeting"), default=20, validators=[MinValueValidator(5)]
    )
    tables = models.PositiveSmallIntegerField(_("shared meeting tables"), default=10)
    published = models.BooleanField(_("published"), default=False)
    scheduled_at = models.DateTimeField(_("schedule built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event or fair")
        verbose_name_plural = _("events and fairs")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="market_fair_days"
            )
        ]

    def __str__(self):
        return self.title


class Participant(AuditedModel):
    """An exhibitor or visitor registered for a fair, with the offers and needs on show."""

    fair = models.ForeignKey(Fair, models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, models.PROTECT, related_name="fair_registrations")
    name = models.CharField(_("organization or enterprise"), max_length=300)
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices)
    booth = models.CharField(_("booth"), max_length=20, blank=True)
    listings = models.ManyToManyField(
        Listing, blank=True, related_name="shown_at", verbose_name=_("offers and needs on show")
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("at most meetings"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    available = models.JSONField(
        _("available slots"), default=list, blank=True, help_text=_("Empty: every slot.")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["fair", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "user"], name="market_participant_once")
        ]

    def __str__(self):
        return self.name


class MeetingRequest(AuditedModel):
    """A B2B meeting request (yêu cầu gặp) at a fair; once the schedule is built, either a
    meeting answers it or `unplaced` holds the scheduler's reason."""

    fair = models.ForeignKey(Fair, models.CASCADE, related_name="requests")
    requester = models.ForeignKey(Participant, models.CASCADE, related_name="requests_made")
    counterpart = models.ForeignKey(Participant, models.CASCADE, related_name="requests_received")
    listing = models.ForeignKey(
        Listing, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("about")
    )
    message = models.TextField(_("message"), blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    unplaced = models.CharField(_("not scheduled because"), max_length=24, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["fair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "counterpart"], name="market_request_once")
        ]

    def __str__(self):
        return f"{self.requester} → {self.counterpart}"


class Meeting(AuditedModel):
    """A scheduled B2B meeting: slot, table and, after the fair, whether it was held."""

    fair = models.ForeignKey(Fair, models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, models.CASCADE, related_name="meeting")
    first = models.ForeignKey(Participant, models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    table = models.CharField(_("table"), max_length=20)
    held = models.BooleanField(_("held"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("B2B meeting")
        verbose_name_plural = _("B2B meetings")
        ordering = ["starts_at", "table"]

    def __str__(self):
        return f"{self.first} · {self.second}"


class Connection(AuditedModel):
    """A connection (kết nối cung cầu) between an offer and a need or a seeker: from an
    expression of interest to an agreement (value, kind) or closing with a reason. `listing`
    is what the interest is in; `source` the requester's own listing it came from, if any."""

    listing = models.ForeignKey(
        Listing, models.PROTECT, related_name="connections", verbose_name=_("interest in")
    )
    source = models.ForeignKey(
        Listing,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="connections_made",
        verbose_name=_("from"),
    )
    requester = models.ForeignKey(
        USER, models.PROTECT, related_name="connections", verbose_name=_("interested party")
    )
    requester_name = models.CharField(_("interested organization or person"), max_length=300)
    message = models.TextField(_("message"))
    fair = models.ForeignKey(
        Fair, models.SET_NULL, null=True, blank=True, related_name="connections"
    )
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.INTEREST)
    step_on = models.DateField(_("step date"), default=timezone.localdate)
    agreement_kind = models.CharField(
        _("kind of agreement"), max_length=10, choices=Partnership.choices, blank=True
    )
    agreement_value = models.DecimalField(_("agreement value (million VND)"), **MONEY)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    broker = models.ForeignKey(
        Expert,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="brokered_connections",
        verbose_name=_("broker or adviser"),
        help_text=_("An expert of the registry who helps the two parties (môi giới, tư vấn)."),
    )

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["-step_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "requester"],
                condition=~models.Q(step__in=["agreement", "closed"]),
                name="market_connection_open_once",
            )
        ]

    def __str__(self):
        return f"{self.requester_name} → {self.listing.code}"

    @property
    def offer(self):
        return self.listing if self.listing.kind == Kind.OFFER else self.source

    @property
    def need(self):
        return self.listing if self.listing.kind == Kind.NEED else self.source


class ConnectionEvent(models.Model):
    """A step of a connection: when it happened (`on`), who recorded it and when, and a note."""

    connection = models.ForeignKey(Connection, models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("connection step")
        verbose_name_plural = _("connection steps")
        ordering = ["on", "at", "pk"]

    def __str__(self):
        return f"{self.connection}: {self.get_step_display()}"
