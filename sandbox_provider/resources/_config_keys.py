"""The keys of the `aep` configuration: names, environment variables, defaults, and which
keys are secret or inherited by the profiles of `aep:orgs`."""

from __future__ import annotations

NAMESPACE = "aep"
DEFAULT_PROFILE = "default"

DEFAULT_PLATFORM_URL = "https://platform.adobe.io"
DEFAULT_IMS_URL = "https://ims-na1.adobelogin.com"
DEFAULT_SCOPES = "openid,AdobeID,read_organizations,additional_info.projectedProductContext"
DEFAULT_SANDBOX = "prod"
# Unset, `aep:retryTimeoutSeconds` leaves the retry budget of an API call to the client's
# `RetryPolicy.deadline` (300 s): see `_base.client_for`.

# config key (camelCase, as in `aep:<key>` and in the profiles JSON) -> environment variable
ENV_VARS: dict[str, str] = {
    "platformUrl": "AEP_PLATFORM_URL",
    "imsUrl": "AEP_IMS_URL",
    "orgId": "AEP_ORG_ID",
    "clientId": "AEP_CLIENT_ID",
    "clientSecret": "AEP_CLIENT_SECRET",
    "scopes": "AEP_SCOPES",
    "sandbox": "AEP_SANDBOX",
    "accessToken": "AEP_ACCESS_TOKEN",
    "orgs": "AEP_ORGS",
    "retryTimeoutSeconds": "AEP_RETRY_TIMEOUT_SECONDS",
}
SECRET_KEYS = frozenset({"clientSecret", "accessToken", "orgs"})
# What a named profile takes from the default profile when it doesn't say.
INHERITED_KEYS = ("platformUrl", "imsUrl", "scopes", "sandbox", "retryTimeoutSeconds")
PROFILE_KEYS = frozenset(
    {
        "platformUrl",
        "imsUrl",
        "orgId",
        "clientId",
        "clientSecret",
        "scopes",
        "sandbox",
        "accessToken",
        "retryTimeoutSeconds",
    }
)
