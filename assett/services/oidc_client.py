"""An OpenID Connect client (ProConnect): authorization code with PKCE, state and nonce.

Plain HTTP and cryptography, no Flask request: the view keeps what `begin_login` returns in the
signed session and hands it back to `finish_login` with the callback's parameters. The
provider's discovery document and keys are cached per process for `cache_seconds`.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# Asymmetric algorithms only: never "none", never a secret shared with the client.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
# A login started and not finished within this time must be started again.
PENDING_MAX_AGE = 600
# Clock difference tolerated with the provider on exp/iat.
LEEWAY = 60


@dataclass(frozen=True)
class ProviderSettings:
    """How this installation reaches its provider."""

    discovery_url: str
    client_id: str
    client_secret: str
    scope: str = "openid email given_name usual_name siret"
    timeout: float = 10.0
    cache_seconds: int = 3600


def settings_from(config: Mapping[str, Any]) -> ProviderSettings | None:
    """The installation's provider settings, or None when ProConnect is not configured."""
    url, client_id = config.get("PROCONNECT_DISCOVERY_URL"), config.get("PROCONNECT_CLIENT_ID")
    secret = config.get("PROCONNECT_CLIENT_SECRET")
    if not (url and client_id and secret):
        return None
    return ProviderSettings(
        discovery_url=str(url),
        client_id=str(client_id),
        client_secret=str(secret),
        scope=str(config.get("PROCONNECT_SCOPE") or ProviderSettings.scope),
        timeout=float(config.get("PROCONNECT_TIMEOUT") or ProviderSettings.timeout),
        cache_seconds=int(config.get("PROCONNECT_CACHE_SECONDS") or ProviderSettings.cache_seconds),
    )


@dataclass(frozen=True)
class LoginResult:
    """What the provider says about the user, checked."""

    issuer: str
    subject: str
    claims: dict[str, Any]
    id_token: str


class OidcError(Exception):
    """A login the provider or an attacker spoiled; `message` is for the user, `reason` the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


_lock = threading.Lock()
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def clear_cache() -> None:
    """Forget the cached discovery documents and keys (tests, a key rotation by hand)."""
    with _lock:
        _metadata.clear()
        _keys.clear()


def _unreachable(reason: str) -> OidcError:
    return OidcError(
        _(
            "ProConnect ne répond pas pour le moment. Réessayez plus tard ou connectez-vous avec "
            "votre mot de passe."
        ),
        reason,
    )


def _refused(reason: str) -> OidcError:
    return OidcError(
        _(
            "La réponse de ProConnect n'a pas pu être vérifiée : la connexion est refusée. "
            "Recommencez depuis la page de connexion."
        ),
        reason,
    )


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(f"GET {url}: {error}") from None
    if not isinstance(data, dict):
        raise _unreachable(f"GET {url}: not a JSON object")
    return data


def metadata(settings: ProviderSettings) -> dict[str, Any]:
    """The provider's discovery document, cached for `cache_seconds`."""
    now = time.monotonic()
    with _lock:
        cached = _metadata.get(settings.discovery_url)
    if cached and cached[0] > now:
        return cached[1]
    data = _get_json(settings.discovery_url, settings.timeout)
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(data.get(key), str):
            raise _unreachable(f"discovery document without {key}")
    if len(data["issuer"]) > 255:  # OidcIdentity.issuer is String(255)
        raise _unreachable("discovery document with an issuer over 255 characters")
    with _lock:
        _metadata[settings.discovery_url] = (now + settings.cache_seconds, data)
    return data


def _key_set(settings: ProviderSettings, jwks_uri: str, refresh: bool = False) -> KeySet:
    now = time.monotonic()
    with _lock:
        cached = _keys.get(jwks_uri)
    if cached and cached[0] > now and not refresh:
        return cached[1]
    try:
        keys = KeySet.import_key_set(_get_json(jwks_uri, settings.timeout))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _unreachable(f"JWKS {jwks_uri}: {error}") from None
    with _lock:
        _keys[jwks_uri] = (now + settings.cache_seconds, keys)
    return keys


def _verify(settings: ProviderSettings, meta: dict[str, Any], token: str) -> dict[str, Any]:
    """The claims of a JWT signed by one of the provider's keys; OidcError otherwise."""
    algorithms = list(ALLOWED_ALGORITHMS)
    try:
        try:
            decoded = jwt.decode(token, _key_set(settings, meta["jwks_uri"]), algorithms)
        except (JoseError, ValueError):
            # The provider may have rotated in a key since the cache was filled: fetch once more.
            decoded = jwt.decode(token, _key_set(settings, meta["jwks_uri"], True), algorithms)
    except (JoseError, ValueError) as error:
        raise _refused(f"signature: {error!r}") from None
    return dict(decoded.claims)


def _session(settings: ProviderSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.client_id,
        settings.client_secret,
        scope=settings.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method's name
    )


def begin_login(settings: ProviderSettings, redirect_uri: str) -> tuple[str, dict[str, Any]]:
    """The provider's authorization URL, and what to keep until the callback."""
    meta = metadata(settings)
    pending = {
        "state": generate_token(32),
        "nonce": generate_token(32),
        "code_verifier": generate_token(64),
        "started": int(time.time()),
    }
    with _session(settings, redirect_uri) as client:
        url, _state = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=pending["state"],
            code_verifier=pending["code_verifier"],
            nonce=pending["nonce"],
        )
    return url, pending


def _check_id_token(
    settings: ProviderSettings, meta: dict[str, Any], claims: dict[str, Any], nonce: str
) -> None:
    now = time.time()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    problems = {
        "iss": claims.get("iss") != meta["issuer"],
        "aud": settings.client_id not in audiences,
        "azp": len(audiences) > 1 and claims.get("azp") != settings.client_id,
        "exp": not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY < now,
        "iat": not isinstance(claims.get("iat"), int | float) or claims["iat"] - LEEWAY > now,
        # OpenID Connect caps the subject at 255 ASCII characters, as our column does.
        "sub": not isinstance(claims.get("sub"), str) or not 0 < len(claims["sub"]) <= 255,
        "nonce": not hmac.compare_digest(str(claims.get("nonce", "")), nonce),
    }
    wrong = [name for name, bad in problems.items() if bad]
    if wrong:
        raise _refused(f"ID token claims: {', '.join(wrong)}")


def _userinfo(
    settings: ProviderSettings, meta: dict[str, Any], access_token: str, subject: str
) -> dict[str, Any]:
    """The userinfo claims, from a signed JWT or plain JSON; the subject must be the same."""
    endpoint = meta.get("userinfo_endpoint")
    if not isinstance(endpoint, str):
        return {}
    try:
        response = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.timeout,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise _unreachable(f"userinfo: {error}") from None
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        claims = _verify(settings, meta, response.text.strip())
        if claims.get("iss", meta["issuer"]) != meta["issuer"]:
            raise _refused("userinfo issuer")
        audience = claims.get("aud", settings.client_id)
        if settings.client_id not in (audience if isinstance(audience, list) else [audience]):
            raise _refused("userinfo audience")
    else:
        try:
            claims = response.json()
        except ValueError:
            raise _unreachable("userinfo: neither JSON nor JWT") from None
        if not isinstance(claims, dict):
            raise _unreachable("userinfo: not a JSON object")
    if claims.get("sub") != subject:
        raise _refused("userinfo subject differs from the ID token's")
    return claims


def finish_login(
    settings: ProviderSettings,
    pending: Mapping[str, Any] | None,
    params: Mapping[str, str],
    redirect_uri: str,
) -> LoginResult:
    """Check the callback, exchange the code, verify the ID token and read userinfo."""
    if params.get("error"):
        raise OidcError(
            _("ProConnect n'a pas pu vous identifier ou vous avez annulé la connexion."),
            f"provider error: {params.get('error')}",
        )
    if not pending or int(pending.get("started", 0)) + PENDING_MAX_AGE < time.time():
        raise OidcError(
            _(
                "Cette connexion a expiré ou n'a pas été commencée ici : recommencez depuis la "
                "page de connexion."
            ),
            "no pending login",
        )
    state = params.get("state") or ""
    if not hmac.compare_digest(state.encode(), str(pending["state"]).encode()):
        raise _refused("state mismatch")
    code = params.get("code")
    if not code:
        raise _refused("no code")
    meta = metadata(settings)
    try:
        with _session(settings, redirect_uri) as client:
            token = client.fetch_token(
                meta["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=pending["code_verifier"],
                timeout=settings.timeout,
            )
    except OAuthError as error:
        raise _refused(f"token endpoint: {error.error}") from None
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(f"token endpoint: {error}") from None
    id_token = token.get("id_token")
    access_token = token.get("access_token")
    if not isinstance(id_token, str) or not isinstance(access_token, str):
        raise _refused("token response without id_token or access_token")
    claims = _verify(settings, meta, id_token)
    _check_id_token(settings, meta, claims, str(pending["nonce"]))
    userinfo = _userinfo(settings, meta, access_token, claims["sub"])
    return LoginResult(
        issuer=meta["issuer"],
        subject=claims["sub"],
        claims={**claims, **userinfo},
        id_token=id_token,
    )


def end_session_url(
    settings: ProviderSettings, id_token: str, post_logout_redirect_uri: str, state: str
) -> str | None:
    """Where to send the browser to end the provider's session too; None if it has no such
    endpoint or cannot be reached (the local logout is done anyway)."""
    try:
        endpoint = metadata(settings).get("end_session_endpoint")
    except OidcError:
        return None
    if not isinstance(endpoint, str):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
