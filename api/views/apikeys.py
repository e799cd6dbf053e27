"""API keys of this host (tenants/apikeys), for the host's admin signed in as a person.

No key manages keys: api/key_scopes.py refuses this module to every key (403), so a leaked key
can neither see the others nor mint a wider one.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ProvinceViewSet, SchoolViewSet
from api.params import validated
from api.permissions import ProvinceAdmin, UnionAdmin
from api.serializers.apikeys import (ApiKeyCreatedSerializer, ApiKeyInputSerializer, ApiKeyRevokeSerializer,
                                     ApiKeySerializer)
from tenants.apikeys import selectors, services
from tenants.apikeys.models import ApiKey


def _documented(view_class):
    return extend_schema(tags=["API 密钥"])(extend_schema_view(
        list=extend_schema(summary="本站点的 API 密钥（含已撤销、已过期的）"),
        retrieve=extend_schema(summary="API 密钥"),
        create=extend_schema(summary="新建 API 密钥（完整密钥只在这次答复的 key 中出现）",
                             request=ApiKeyInputSerializer, responses={201: ApiKeyCreatedSerializer}),
    )(view_class))


class _ApiKeys(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    queryset = ApiKey.objects.order_by("-created_at", "-id")
    serializer_class = ApiKeySerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return selectors.api_keys().order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        key, plaintext = services.api_key_create(by=request.user, **validated(request, ApiKeyInputSerializer))
        key.key = plaintext
        answer = Response(ApiKeyCreatedSerializer(key).data, status=status.HTTP_201_CREATED)
        answer["Cache-Control"] = "no-store"  # the only answer that carries the key
        return answer

    @extend_schema(summary="撤销 API 密钥（立即失效，不可恢复）", request=ApiKeyRevokeSerializer,
                   responses=ApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = services.api_key_revoke(key=self.get_object(), by=request.user,
                                      **validated(request, ApiKeyRevokeSerializer))
        return Response(ApiKeySerializer(key).data)


@_documented
class SchoolApiKeyViewSet(_ApiKeys, SchoolViewSet):
    permission_classes = [UnionAdmin]


@_documented
class ProvinceApiKeyViewSet(_ApiKeys, ProvinceViewSet):
    permission_classes = [ProvinceAdmin]


def register(router) -> None:
    router.register("api-keys", SchoolApiKeyViewSet, basename="api-key")


def register_province(router) -> None:
    router.register("api-keys", ProvinceApiKeyViewSet, basename="api-key")
