from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from api.base import ProvinceAPIView, SchoolAPIView
from api.params import validated
from api.serializers.accounts import MeSerializer, TokenRequestSerializer, TokenSerializer
from tenants.accounts import login_guard
from tenants.accounts.services import token_for, token_revoke

WRONG_CREDENTIALS = "用户名或密码不正确。"


class TokenObtain:
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["认证"], summary="获取访问令牌", request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: OpenApiResponse(description="用户名或密码不正确"),
                   429: OpenApiResponse(description="失败次数过多，暂时禁止登录")},
        description="用本站点的用户名和密码换取令牌；之后的请求带上 `Authorization: Token <令牌>`。"
                    "令牌只在签发它的站点有效。",
    )
    def post(self, request):
        data = validated(request, TokenRequestSerializer)
        username = data["username"]
        locked = login_guard.locked_message(request, username)
        if locked:
            return Response({"detail": locked}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        user = authenticate(request, username=username, password=data["password"])
        if user is None:
            login_guard.record_failure(request, username)
            return Response({"detail": WRONG_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
        login_guard.record_success(request, username)
        return Response({"token": token_for(user=user).key})


class TokenRevoke:
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["认证"], summary="撤销当前令牌", request=None,
                   responses={204: OpenApiResponse(description="已撤销")})
    def post(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me:
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["认证"], summary="当前用户", responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class SchoolTokenObtainView(TokenObtain, SchoolAPIView):
    pass


class ProvinceTokenObtainView(TokenObtain, ProvinceAPIView):
    open_to_anyone = "登录：换取令牌之前，请求者还没有任何身份。"


class SchoolTokenRevokeView(TokenRevoke, SchoolAPIView):
    pass


class ProvinceTokenRevokeView(TokenRevoke, ProvinceAPIView):
    open_to_anyone = "任何持有本站令牌的人都可以撤销自己的令牌。"


class SchoolMeView(Me, SchoolAPIView):
    pass


class ProvinceMeView(Me, ProvinceAPIView):
    open_to_anyone = "任何登录者都可以查看自己的账号（没有省级角色时可据此知道原因）。"
