"""Technology market API: the published offers and needs that have not expired (read only, the
same for every caller, DOST included). `/api/market/offers/` and `/api/market/needs/`, each a
list and one by its id (its code, CB-2026-001, is in the body). Searched and filtered by the
marketplace's own filter set; the owner's name is null when the owner chose to stay hidden,
and no contact is ever given."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from stihub.api import CheckedLookup, router
from stihub.core.permissions import PUBLIC
from stihub.monitoring.api import ID_PARAMETER, ID_PATTERN
from stihub.registry.api import ListField

from . import listings
from .choices import IPProtection, Kind
from .forms import MarketFilter
from .models import Listing

TAG = "market"


class ApiFilter(MarketFilter):
    """The marketplace's filters but the kind, which each endpoint fixes."""

    kind = None

    class Meta(MarketFilter.Meta):
        fields = ["q", "sector", "field", "stage", "partnership"]


class ListingSerializer(serializers.ModelSerializer):
    partnership = ListField(help_text=_("Codes of the partnerships sought."))
    keywords = ListField()
    ip_status = serializers.ChoiceField(
        choices=IPProtection.choices, allow_blank=True, read_only=True,
        help_text=_("Empty when not given."),
    )  # fmt: skip
    field = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text=_("Code of the field of science."),
    )  # fmt: skip
    price_min = serializers.DecimalField(
        max_digits=14, decimal_places=1, read_only=True, allow_null=True, coerce_to_string=False,
        help_text=_("Price or budget from, million VND."),
    )  # fmt: skip
    price_max = serializers.DecimalField(
        max_digits=14, decimal_places=1, read_only=True, allow_null=True, coerce_to_string=False,
        help_text=_("Price or budget up to, million VND."),
    )  # fmt: skip
    owner = serializers.SerializerMethodField(
        help_text=_("Who offers or seeks it; null while the owner stays hidden.")
    )

    class Meta:
        model = Listing
        fields = [
            "id", "code", "kind", "title", "summary", "description", "advantages", "stage",
            "ip_status", "partnership", "sector", "field", "ipc", "keywords", "region",
            "price_min", "price_max", "expires_on", "published_at", "owner",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_owner(self, listing) -> str | None:
        return None if listing.anonymous else listing.owner_name


class ListingViewSet(CheckedLookup, viewsets.ReadOnlyModelViewSet):
    """The listings of one kind on the market: `?q=` (marks optional; most relevant first),
    `?sector=`, `?field=`, `?stage=` (at least), `?partnership=`; newest first without `q`."""

    kind = ""
    permissions = {"list": PUBLIC, "retrieve": PUBLIC}
    serializer_class = ListingSerializer
    filterset_class = ApiFilter
    lookup_pattern = ID_PATTERN

    def get_queryset(self):
        return listings.live(self.kind).select_related("field").order_by("-published_at", "-pk")

    def filter_queryset(self, queryset):
        # retrieve: the listing among those on the market, whatever the query string says
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class OfferViewSet(ListingViewSet):
    kind = Kind.OFFER


class NeedViewSet(ListingViewSet):
    kind = Kind.NEED


SEARCH = _(
    "With q, every word typed (marks optional: may say finds máy sấy) must begin a word of the"
    " code, title, summary, description or keywords, and the most relevant come first;"
    " otherwise the most recently published first. Published listings that have not expired"
    " only; the owner's name is null while the owner stays hidden; contacts are never given."
)
for viewset, many, one in (
    (
        OfferViewSet,
        _("Technology offers (công nghệ chào bán) on the market."),
        _("One technology offer on the market."),
    ),
    (
        NeedViewSet,
        _("Technology needs (nhu cầu công nghệ) on the market."),
        _("One technology need on the market."),
    ),
):
    extend_schema_view(
        list=extend_schema(tags=[TAG], description=format_lazy("{} {}", many, SEARCH)),
        retrieve=extend_schema(tags=[TAG], description=one, parameters=[ID_PARAMETER]),
    )(viewset)
router.register("market/offers", OfferViewSet, basename="market-offer")
router.register("market/needs", NeedViewSet, basename="market-need")
