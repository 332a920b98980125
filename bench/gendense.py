#!/usr/bin/env python3
"""Writes a dense log for the memory bound of issue #15: every line matches a rule.

usage: bench/gendense.py [--size 120M] [--no-time] [--seed 1] > dense.log

Four line kinds, in turn, each with values that never repeat (so nothing is
deduplicated): an AADSTS50011 error with a unique redirect URI, Trace ID and
Correlation ID; an ingress access-log callback `GET /oauth/complete/azuread-oauth2/?code=
...&state=...` answered 500, from a unique client address and user agent; an
AADSTS7000215 error quoting `client_secret=...`; and social_core's AuthStateMissing.
Lines are one millisecond apart (kubectl timestamps), unless --no-time.
"""
import argparse
import random
import sys
import time as _t
import uuid


def size_arg(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip().upper()
    return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=size_arg, default=size_arg("120M"))
    p.add_argument("--no-time", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    out = sys.stdout.buffer
    written = 0
    i = 0
    base = 1795431600  # 2026-11-23 09:00:00 UTC
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    chunk = []

    def g():
        return str(uuid.UUID(int=rnd.getrandbits(128), version=4))

    while written < a.size:
        ms = base * 1000 + i
        sec, frac = divmod(ms, 1000)
        tm = _t.gmtime(sec)
        stamp = _t.strftime("%Y-%m-%dT%H:%M:%S", tm) + ".%03dZ " % frac
        clf = _t.strftime("%d/%b/%Y:%H:%M:%S +0000", tm)
        pre = "" if a.no_time else stamp
        kind = i % 4
        if kind == 0:
            line = (
                f"{pre}ERROR social_core AADSTS50011: The redirect URI "
                f"'http://netbox-{i}.example.com/oauth/complete/azuread-oauth2/{i}' specified in "
                f"the request does not match the redirect URIs configured for the application "
                f"'{g()}'. Trace ID: {g()} Correlation ID: {g()} Timestamp: "
                f"{_t.strftime('%Y-%m-%d %H:%M:%S', tm)}Z\n"
            )
        elif kind == 1:
            code = "".join(rnd.choice(alnum) for _ in range(60))
            state = "".join(rnd.choice(alnum) for _ in range(32))
            ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            line = (
                f'{pre}{ip} - - [{clf}] "GET /oauth/complete/azuread-oauth2/?code=0.AX{code}'
                f'&state={state} HTTP/1.1" 500 145 "https://login.microsoftonline.com/" '
                f'"Mozilla/5.0 (X11; Linux x86_64) Agent/{i}" 1017 0.348 '
                f"[netbox-8080] [] 10.42.1.31:8080 0 0.348 500 {rnd.getrandbits(128):032x}\n"
            )
        elif kind == 2:
            secret = "".join(rnd.choice(alnum) for _ in range(40))
            line = (
                f"{pre}ERROR social Request failed with 401: AADSTS7000215: Invalid client "
                f"secret provided. Ensure the secret being sent in the request is the client "
                f"secret value, not the client secret ID. client_secret={secret}~Q8 "
                f"Trace ID: {g()}\n"
            )
        else:
            line = (
                f"{pre}social_core.exceptions.AuthStateMissing: Session value state missing. "
                f"request {i} session {g()}\n"
            )
        chunk.append(line)
        written += len(line)
        i += 1
        if len(chunk) >= 4096:
            out.write("".join(chunk).encode())
            chunk = []
    out.write("".join(chunk).encode())


if __name__ == "__main__":
    main()
