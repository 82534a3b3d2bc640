"""The address a request came from, behind the proxies HomeSafe is told to trust.

Behind a reverse proxy REMOTE_ADDR is the proxy's, so lockouts (django-axes) and the API's
throttles keyed on it would treat everyone as one client: five bad passwords from anyone
would lock a user out for everyone. X-Forwarded-For is honoured only when the request came
from a trusted proxy (HOMESAFE_TRUSTED_PROXIES: addresses or networks), and only up to the
first address that is not one: a client cannot forge its way past the proxies it went through.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the nearest untrusted X-Forwarded-For hop."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted(tuple(getattr(settings, "HOMESAFE_TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # not an address: the proxy's, as if nothing were forwarded
    return hops[0] if hops else remote
