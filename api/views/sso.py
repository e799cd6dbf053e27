"""统一身份认证 settings of the school whose host is asked (union office only).

`GET /api/v1/sso/settings/` and `PATCH` (or `PUT`) the same path. The client secret is write-only.
"""
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.base import SchoolAPIView
from api.permissions import UnionAdmin
from api.serializers.sso import SsoSettingsSerializer
from tenants.sso.selectors import sso_settings
from tenants.sso.services import sso_settings_update


@extend_schema(tags=["统一身份认证"])
class SsoSettingsView(SchoolAPIView):
    permission_classes = [UnionAdmin]
    serializer_class = SsoSettingsSerializer

    def _answer(self, request, conf):
        return Response(SsoSettingsSerializer(conf, context={"request": request}).data)

    @extend_schema(summary="本校统一身份认证设置", responses=SsoSettingsSerializer)
    def get(self, request):
        return self._answer(request, sso_settings())

    def _update(self, request, partial):
        serializer = SsoSettingsSerializer(sso_settings(), data=request.data, partial=partial,
                                           context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        secret = data.pop("client_secret", None)
        conf = sso_settings_update(by=request.user, client_secret=secret, **data)
        return self._answer(request, conf)

    @extend_schema(summary="修改本校统一身份认证设置", request=SsoSettingsSerializer, responses=SsoSettingsSerializer)
    def patch(self, request):
        return self._update(request, partial=True)

    @extend_schema(summary="设置本校统一身份认证", request=SsoSettingsSerializer, responses=SsoSettingsSerializer)
    def put(self, request):
        return self._update(request, partial=False)


urlpatterns = [path("sso/settings/", SsoSettingsView.as_view(), name="sso-settings")]
