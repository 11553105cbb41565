"""Reference for route-install-nhid-vs-pyroute2: Debian's python3-pyroute2 (0.7.2) adding the same
routes as test/bench/objects.ts (route i: 2001:db8:<i>>16>:<i&0xffff>::/64 nhid 1 + i % nexthops,
proto 200) with IPRoute().route('add', ...), one request + ACK at a time, as pyroute2 does.

Run inside the bench namespace with Debian's interpreter:
    ip netns exec NS /usr/bin/python3 test/bench/pyroute2_routes.py ROUTES NEXTHOPS
Prints {"seconds": S, "count": N} on stdout; only the adds are timed.

pyroute2 0.7.2's rtmsg knows attributes only up to RTA_EXPIRES (23): it has no RTA_NH_ID (30). We
append the missing uapi attributes (include/uapi/linux/rtnetlink.h: RTA_PAD 24 ... RTA_NH_ID 30)
to its nla_map before the first message is built, so `nh_id=N` encodes as RTA_NH_ID.
"""
import json
import socket
import sys
import time

from pyroute2.netlink.rtnl.rtmsg import rtmsg

_known = {n[0] for n in rtmsg.nla_map}
if 'RTA_NH_ID' not in _known:
    assert rtmsg.nla_map[-1][0] == 'RTA_EXPIRES', 'unexpected pyroute2 rtmsg layout'
    rtmsg.nla_map = tuple(rtmsg.nla_map) + (
        ('RTA_PAD', 'hex'),
        ('RTA_UID', 'uint32'),
        ('RTA_TTL_PROPAGATE', 'uint8'),
        ('RTA_IP_PROTO', 'uint8'),
        ('RTA_SPORT', 'be16'),
        ('RTA_DPORT', 'be16'),
        ('RTA_NH_ID', 'uint32'),
    )

from pyroute2 import IPRoute  # noqa: E402  (after the patch, before any rtmsg is compiled)


def main() -> None:
    routes = int(sys.argv[1])
    nexthops = int(sys.argv[2])
    args = [
        (f'2001:db8:{i >> 16:x}:{i & 0xFFFF:x}::', 1 + i % nexthops)
        for i in range(routes)
    ]
    with IPRoute() as ipr:
        t0 = time.perf_counter()
        for dst, nhid in args:
            ipr.route('add', family=socket.AF_INET6, dst=dst, dst_len=64, nh_id=nhid, proto=200)
        seconds = time.perf_counter() - t0
    print(json.dumps({'seconds': seconds, 'count': routes, 'pyroute2': 'rtmsg+RTA_NH_ID'}))


if __name__ == '__main__':
    main()
