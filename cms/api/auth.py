from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.api.serializers import ApiSerializer
from cms.security import LoginThrottle, login_refusal


class TokenRequestSerializer(ApiSerializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenView(APIView):
    """用户名和密码换取接口令牌（请求头 ``Authorization: Token …``）。"""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        refusal = login_refusal(request, serializer.validated_data["username"])
        if refusal is not None:
            return Response({"detail": refusal.message}, status=429, headers={"Retry-After": str(refusal.retry_after)})
        user = authenticate(request, username=serializer.validated_data["username"], password=serializer.validated_data["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": ["用户名或密码错误"]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
