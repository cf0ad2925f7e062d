#!/usr/bin/env python3
"""Writes the seed corpus (fuzz/corpus/<target>/) from the repository's own
inputs: every Origin and Access-Control-Request-Headers value of testdata/,
and every policy file of examples/policies/ and testdata/. Idempotent: file
names are content hashes.

Run: python3 fuzz/seed.py
"""
import hashlib
import os
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


testdata = os.path.join(ROOT, "testdata")
for name in sorted(os.listdir(testdata)):
    if not name.endswith(".toml"):
        continue
    with open(os.path.join(testdata, name), "rb") as f:
        corpus = tomllib.load(f)
    put("policy_file", corpus["policy"])
    for case in corpus["case"]:
        for header, value in case.get("headers", []):
            if header.lower() == "origin":
                put("origin", value)
            if header.lower() == "access-control-request-headers":
                put("request_headers", value)
for name in sorted(os.listdir(os.path.join(ROOT, "examples", "policies"))):
    with open(os.path.join(ROOT, "examples", "policies", name), "rb") as f:
        put("policy_file", f.read())
for target in ["origin", "policy_file", "request_headers", "evaluate"]:
    os.makedirs(os.path.join(HERE, "corpus", target), exist_ok=True)
    count = len(os.listdir(os.path.join(HERE, "corpus", target)))
    print(f"{target}: {count} seeds")
