"""Outbound address checks: no private, loopback or link-local targets unless allowlisted.

The check runs at send time on the resolved address, and the connection goes to that very
address (the Host header and TLS SNI keep the name), so DNS rebinding cannot slip past it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from alerts.errors import DeliveryError, UnsafeTargetError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _forbidden(ip: IPAddress) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Refuses forbidden addresses outside `allow` (e.g. 127.0.0.0/8 in tests)."""

    allow: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_strings(cls, networks: Iterable[str]) -> AddressGuard:
        return cls(tuple(ipaddress.ip_network(n, strict=False) for n in networks))

    def allowed(self, ip: IPAddress) -> bool:
        return not _forbidden(ip) or any(ip in net for net in self.allow)

    def resolve(self, url: httpx.URL) -> IPAddress:
        """The address to connect to; raises UnsafeTargetError if any resolved one is refused."""
        host, port = url.host, url.port or (443 if url.scheme == "https" else 80)
        if url.scheme not in ("http", "https") or not host:
            raise UnsafeTargetError("only http and https URLs with a host are accepted")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise DeliveryError("name resolution failed", retryable=True) from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        refused = [a for a in addresses if not self.allowed(a)]
        if refused or not addresses:
            raise UnsafeTargetError("target resolves to a private, loopback or link-local address")
        return addresses[0]

    def post(
        self, client: httpx.Client, url: str, *, content: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        """POST to `url` through the address it resolved to now (checked), keeping its name."""
        parsed = httpx.URL(url)
        ip = self.resolve(parsed)
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        pinned = parsed.copy_with(host=host.strip("[]"))
        headers = {**headers, "Host": parsed.netloc.decode("ascii")}
        extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
        return client.post(pinned, content=content, headers=headers, extensions=extensions)
