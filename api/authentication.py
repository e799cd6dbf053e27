from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class SchoolTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, looked up in the current host's schema only.

    Each schema has its own token table, so a token issued on one school's host matches
    nothing on another host and answers 401 there.
    """

    def authenticate_credentials(self, key):
        try:
            return super().authenticate_credentials(key)
        except AuthenticationFailed:
            raise AuthenticationFailed("认证令牌无效或已撤销。")
