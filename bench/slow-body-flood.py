#!/usr/bin/env python3
"""Slow-body flood (issue 33): the site's resident memory while many clients hold batch uploads open, and after.

Starts a published site (`dotnet <dll>`) on a free loopback port with an unreachable upstream, then opens
--connections uploads to POST /api/ip-info/batch, each declaring 1 MB, sending all but 1 KB of it at once and
then one byte every --drip seconds: Kestrel's minimum data rate is an average, so such a client stays above it.
Each connection stands for its own client (its own X-Forwarded-For) unless --one-client. Samples VmRSS every
0.5 s; prints it idle, at its peak during the flood, and --settle seconds after every connection has closed.
Bounded: the clients give up after --hold seconds, and the site is stopped at the end.

  bench/slow-body-flood.py out/RazorIpInfo.dll                # 200 clients, 30 s hold
  bench/slow-body-flood.py out/RazorIpInfo.dll --connections 1000 --hold 60
  bench/slow-body-flood.py out/RazorIpInfo.dll --rounds 3 --settle 25   # does memory come back, and stay back?
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time

BODY = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def client(port, index, args, outcome, stop):
    started = time.monotonic()
    forwarded = "198.51.100.7" if args.one_client else f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError as e:
        outcome[index] = ("refused", time.monotonic() - started, str(e))
        return
    try:
        sock.sendall((f"POST /api/ip-info/batch HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                      f"X-Forwarded-For: {forwarded}\r\nContent-Length: {BODY}\r\n\r\n").encode())
        start = b'["8.8.8.8"'
        sock.sendall(start + b" " * (BODY - 1024 - len(start)))
        sock.settimeout(args.drip)
        while not stop.is_set() and time.monotonic() - started < args.hold:
            try:
                answer = sock.recv(256)
                status = answer.split(b"\r\n", 1)[0].decode(errors="replace") if answer else "closed"
                outcome[index] = (status, time.monotonic() - started, "")
                return
            except socket.timeout:
                sock.sendall(b" ")
        outcome[index] = ("still open", time.monotonic() - started, "")
    except OSError as e:
        outcome[index] = ("reset", time.monotonic() - started, type(e).__name__)
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dll")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--hold", type=float, default=30, help="seconds a client keeps dripping before it gives up")
    parser.add_argument("--drip", type=float, default=5, help="seconds between two dripped bytes")
    parser.add_argument("--settle", type=float, default=15, help="seconds to wait after the flood before the last sample")
    parser.add_argument("--one-client", action="store_true", help="every connection from the same client address")
    parser.add_argument("--rounds", type=int, default=1, help="floods one after another, each followed by --settle seconds")
    args = parser.parse_args()

    port = free_port()
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", ASPNETCORE_URLS=f"http://127.0.0.1:{port}",
               IpApi__BaseUrl="http://127.0.0.1:9", Tor__ExitListUrl="", Rdap__BootstrapBaseUrl="", Lookup__Providers__0="ip-api")
    site = subprocess.Popen(["dotnet", args.dll], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(2)
        idle = rss_mb(site.pid)

        for round in range(args.rounds):
            outcome, stop = {}, threading.Event()
            threads = [threading.Thread(target=client, args=(port, i, args, outcome, stop), daemon=True) for i in range(args.connections)]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            peak, samples = idle, []
            while any(t.is_alive() for t in threads):
                now = rss_mb(site.pid)
                peak = max(peak, now)
                samples.append((time.monotonic() - began, now))
                time.sleep(0.5)
            flood = time.monotonic() - began
            time.sleep(args.settle)
            after = rss_mb(site.pid)

            kinds = {}
            for status, seconds, _ in outcome.values():
                key = re.sub(r"^HTTP/1\.1 ", "", status)
                count, longest = kinds.get(key, (0, 0.0))
                kinds[key] = (count + 1, max(longest, seconds))
            print(f"round {round + 1}: {args.connections} slow uploads ({'one client' if args.one_client else 'one client each'}), drip every {args.drip:g} s, clients give up after {args.hold:g} s")
            print(f"RSS idle {idle:.0f} MB, peak during {peak:.0f} MB, {args.settle:g} s after the last connection closed {after:.0f} MB (flood lasted {flood:.1f} s)")
            for key, (count, longest) in sorted(kinds.items()):
                print(f"  {count:5d} x {key} (latest after {longest:.1f} s)")
    finally:
        site.terminate()
        try:
            site.wait(10)
        except subprocess.TimeoutExpired:
            site.kill()


if __name__ == "__main__":
    sys.exit(main())
