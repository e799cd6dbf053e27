"""A person's own e-mail preferences, on both hosts: `GET/PUT/PATCH /api/v1/me/mail-preferences/`.

There is no id in the path: everyone reads and changes only their own (a token of another host is
401 here, as everywhere)."""
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceAPIView, SchoolAPIView
from api.serializers.mail import MailPreferenceSerializer
from tenants.mail.services import preference_of, preference_update

TAG = "邮件提醒"


class MailPreferences:
    permission_classes = [IsAuthenticated]
    serializer_class = MailPreferenceSerializer

    @extend_schema(tags=[TAG], summary="我的邮件提醒设置", responses=MailPreferenceSerializer)
    def get(self, request):
        return Response(MailPreferenceSerializer(preference_of(request.user)).data)

    def _change(self, request, partial: bool):
        serializer = MailPreferenceSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        preference = preference_update(user=request.user, by=request.user, **serializer.validated_data)
        return Response(MailPreferenceSerializer(preference).data)

    @extend_schema(tags=[TAG], summary="修改我的邮件提醒设置（全部字段）", request=MailPreferenceSerializer,
                   responses={200: MailPreferenceSerializer, 400: OpenApiResponse(description="字段值无效")})
    def put(self, request):
        return self._change(request, partial=False)

    @extend_schema(tags=[TAG], summary="修改我的邮件提醒设置", request=MailPreferenceSerializer,
                   responses={200: MailPreferenceSerializer, 400: OpenApiResponse(description="字段值无效")})
    def patch(self, request):
        return self._change(request, partial=True)


class SchoolMailPreferencesView(MailPreferences, SchoolAPIView):
    pass


class ProvinceMailPreferencesView(MailPreferences, ProvinceAPIView):
    open_to_anyone = "每个登录者都可以查看和修改自己的邮件提醒设置。"


def school_urls():
    return [path("me/mail-preferences/", SchoolMailPreferencesView.as_view(), name="mail-preferences")]


def province_urls():
    return [path("me/mail-preferences/", ProvinceMailPreferencesView.as_view(), name="mail-preferences")]
