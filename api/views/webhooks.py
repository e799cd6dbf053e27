"""Webhook subscriptions of this host (issue #13), for the host's admin only.

- GET/POST webhooks/ — list; create (201 with the `secret`, shown this once).
- GET/PATCH/DELETE webhooks/{id}/ — read; change URL, events, description, is_active (switching it
  on again clears the failure count); delete with its deliveries.
- GET webhooks/events/ — the event types this host offers.
- POST webhooks/{id}/rotate-secret/ — a new secret (shown once); the old one keeps signing beside it
  for WEBHOOK_SECRET_GRACE_SECONDS.
- POST webhooks/{id}/test/ — send a `webhook.test` message now.
- GET webhooks/{id}/deliveries/ — the delivery log (status code, response time, error, attempts).
- POST webhooks/{id}/deliveries/{delivery_id}/redeliver/ — send one again now.
A subscription of another host does not exist here (404).
"""
from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.params import validated
from api.permissions import role_required
from api.serializers.webhooks import (
    DeliverySerializer,
    EventTypeSerializer,
    SubscriptionInputSerializer,
    SubscriptionPatchSerializer,
    SubscriptionSerializer,
    SubscriptionWithSecretSerializer,
)
from tenants.accounts.roles import ADMIN_ROLES, on_province
from tenants.webhooks import services as s
from tenants.webhooks.events import catalogue
from tenants.webhooks.models import Delivery, Subscription


class WebhookViews(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    permission_classes = [role_required(*ADMIN_ROLES)]
    filterset_class = None
    ordering_fields = ["created_at", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def base_queryset(self):
        return Subscription.objects.order_by("-created_at", "-id")

    def _with_secret(self, subscription, secret):
        subscription.secret = secret
        response = Response(SubscriptionWithSecretSerializer(subscription).data,
                            status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def create(self, request, *args, **kwargs):
        subscription, secret = s.subscription_create(by=request.user, **validated(request, SubscriptionInputSerializer))
        return self._with_secret(subscription, secret)

    def partial_update(self, request, *args, **kwargs):
        subscription = s.subscription_update(subscription=self.get_object(), by=request.user,
                                             **validated(request, SubscriptionPatchSerializer))
        return Response(self.get_serializer(subscription).data)

    def perform_destroy(self, instance):
        s.subscription_delete(subscription=instance, by=self.request.user)

    @extend_schema(summary="本站点可订阅的事件类型", responses=EventTypeSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def events(self, request):
        rows = [{"type": key, "label": label} for key, label in catalogue(province=on_province()).items()]
        return Response(EventTypeSerializer(rows, many=True).data)

    @extend_schema(summary="轮换签名密钥（新密钥只返回这一次；旧密钥在宽限期内同时签名）", request=None,
                   responses={201: SubscriptionWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret", filterset_class=None)
    def rotate_secret(self, request, pk=None):
        subscription = self.get_object()
        secret = s.subscription_rotate_secret(subscription=subscription, by=request.user)
        subscription.refresh_from_db()
        return self._with_secret(subscription, secret)

    @extend_schema(summary="发送一条测试消息（webhook.test）", request=None, responses={201: DeliverySerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def test(self, request, pk=None):
        delivery = s.subscription_test(subscription=self.get_object(), by=request.user)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="投递记录（最近的在前）", responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def deliveries(self, request, pk=None):
        rows = (Delivery.objects.filter(subscription=self.get_object()).prefetch_related("attempt_log")
                .order_by("-created_at", "-id"))
        return self.paginated(rows, DeliverySerializer)

    @extend_schema(summary="重新发送一条投递（同一 webhook-id）", request=None, responses=DeliverySerializer)
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver",
            filterset_class=None)
    def redeliver(self, request, pk=None, delivery_id=None):
        delivery = Delivery.objects.filter(subscription=self.get_object(), pk=delivery_id).first()
        if delivery is None:
            raise Http404
        s.delivery_redeliver(delivery=delivery, by=request.user)
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data)


DOCS = dict(
    list=extend_schema(summary="Webhook 订阅列表"),
    retrieve=extend_schema(summary="Webhook 订阅详情"),
    create=extend_schema(summary="新建 Webhook 订阅（返回的签名密钥只显示这一次）", request=SubscriptionInputSerializer,
                         responses={201: SubscriptionWithSecretSerializer}),
    partial_update=extend_schema(summary="修改 Webhook 订阅", request=SubscriptionPatchSerializer,
                                 responses=SubscriptionSerializer),
    destroy=extend_schema(summary="删除 Webhook 订阅（连同投递记录）"),
)


@extend_schema_view(**DOCS)
@extend_schema(tags=["Webhook"])
class SchoolWebhookViewSet(WebhookViews, SchoolViewSet):
    pass


@extend_schema_view(**DOCS)
@extend_schema(tags=["Webhook"])
class ProvinceWebhookViewSet(WebhookViews, ProvinceViewSet):
    pass


def register(router) -> None:
    """School host's router."""
    router.register("webhooks", SchoolWebhookViewSet, basename="webhook")


def register_province(router) -> None:
    router.register("webhooks", ProvinceWebhookViewSet, basename="webhook")
