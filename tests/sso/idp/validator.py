import json

from django.conf import settings
from jwcrypto import jwk, jwt
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator

#: how the next ID tokens are spoiled ("" = honest); set over HTTP by the tests (POST /test/mode/)
MODE = {"value": ""}


class CampusValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim goes into the ID token

    def get_additional_claims(self, request):
        user = request.user
        return {"preferred_username": user.username, "name": user.first_name, "employee_number": user.last_name}

    def finalize_id_token(self, id_token, token, token_handler, request):
        """django-oauth-toolkit's own, plus the spoiling modes the refusal tests need."""
        claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        mode = MODE["value"]
        if mode == "wrong_issuer":
            id_token["iss"] = "http://idp.other-school.example/o"
        if mode == "wrong_audience":
            id_token["aud"] = "another-school-client"
        key = request.client.jwk_key
        if mode == "rotated":  # the provider's new key, published beside the old one
            key = jwk.JWK.from_pem(settings.NEXT_KEY.encode())
        header = {"typ": "JWT", "alg": request.client.algorithm}
        if request.client.algorithm == AbstractApplication.RS256_ALGORITHM:
            header["kid"] = key.thumbprint()
        signed = jwt.JWT(header=json.dumps(header, default=str), claims=json.dumps(id_token, default=str))
        if mode == "bad_signature":  # same kid, a key the provider never published
            key = jwk.JWK.from_pem(settings.ROGUE_KEY.encode())
        signed.make_signed_token(key)
        self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = request.id_token = None
        return signed.serialize()
