#!/usr/bin/env python3
"""Writes testdata/08-attack-origins.toml: hostile origins that must be
rejected, and origins that must be accepted, against a policy allowing
https://example.com and https://*.example.com, in three variants (default
port, port 8443, credentials). Every case runs on every implementation like
the rest of the corpus.

Values a conforming HTTP parser rejects before any middleware sees them
(CR, LF, NUL and other control bytes but HTAB) cannot be sent through the
framework harnesses; they are covered by the fuzz targets and the unit tests
of the origin parser.

Run: python3 testdata/generate-attacks.py
"""
import json
import os

POLICY = '''
[policies.plain]
origins = ["https://example.com", "https://*.example.com"]

[policies.port]
origins = ["https://example.com:8443", "https://*.example.com:8443"]

[policies.credentials]
origins = ["https://example.com", "https://*.example.com"]
credentials = true

[lints]
broad-wildcard-with-credentials = "allow"
'''

HOSTILE = {
    "reflection": [
        "https://evil.test", "https://attacker.example.org", "https://example.org",
        "https://example.net", "https://example.co", "https://examp1e.com",
        "https://exarnple.com", "https://example.com.evil.test",
        "https://example.comevil.test", "https://evilexample.com",
        "https://www.evilexample.com", "https://notexample.com",
        "https://example.com-evil.test", "https://example-com.evil.test",
        "https://a.example.com.evil.test", "https://example.com.example.org",
        "https://example.com.evil", "https://evil.example.com.evil.test", "https://exa mple.com",
        "https://example.com%00", "https://example.com%0d%0a",
        "https://sub.example.com%2f.evil.test", "https://sub.example.com/.evil.test",
        "https://example.com%2eevil.test", "https://example.com.evil.test:8443",
        "https://evil.test:443", "https://sub.example.com.evil.test", "https://example.comevil.com",
        "https://examplecom.evil.test", "https://www.example.com.evil.test",
        "https://example.com.br", "https://example.com.cn", "https://example.co.uk",
        "https://example.com.localhost",
    ],
    "null": ["null", "NULL", "Null", "nul", "nulll", "\"null\"", "null,null"],
    "prefix_suffix_substring": [
        "https://example.com.", "https://example.comm", "https://example.co.m",
        "https://xexample.com", "https://wwwexample.com", "https://myexample.com",
        "https://example.com.attacker.test", "https://attacker.test.example.com.evil",
        "https://example", "https://example.", "https://com", "https://.com",
        "https://ample.com", "https://examplecom", "https://example.comx.test",
        "https://sub.example.com.evil", "https://sub.example.community",
        "https://example.community", "https://example.com.co", "https://example.com-x",
    ],
    "unescaped_dot": [
        "https://exampleXcom", "https://example-com", "https://example_com",
        "https://exampleacom", "https://wwwXexample.com", "https://subXexample.com",
        "https://aXbXexample.com", "https://example0com", "https://example.com0",
        "https://example\tcom",
    ],
    "special_characters": [
        "https://sub_.example.com", "https://_sub.example.com", "https://s_b.example.com",
        "https://sub`.example.com", "https://`.example.com", "https://example.com`.evil.test",
        "https://sub{.example.com", "https://sub}.example.com", "https://example.com}.evil.test",
        "https://sub%60.example.com", "https://example.com%60.evil.test", "https://%2e.example.com",
        "https://sub!.example.com", "https://sub$.example.com", "https://sub&.example.com",
        "https://sub'.example.com", "https://sub(.example.com", "https://sub).example.com",
        "https://sub*.example.com", "https://*.example.com", "https://sub+.example.com",
        "https://sub,.example.com", "https://sub;.example.com", "https://sub=.example.com",
        "https://sub~.example.com", "https://sub|.example.com", "https://sub\\.example.com",
        "https://sub^.example.com", "https://sub\".example.com", "https://sub<.example.com",
        "https://sub>.example.com", "https://sub .example.com", "https://-sub.example.com",
        "https://sub-.example.com", "https://-.example.com", "https://sub..example.com",
        "https://.example.com", "https://..example.com", "https://sub.example..com",
        "https://sub.example.com..",
    ],
    "non_canonical": [
        "HTTPS://example.com", "Https://example.com", "https://EXAMPLE.com",
        "https://Example.com", "https://example.COM", "https://SUB.example.com",
        "https://Sub.example.com", "https://example.com:443", "https://sub.example.com:443",
        "https://example.com:0443", "https://example.com:8443", "https://sub.example.com:8443",
        "https://example.com:", "https://sub.example.com:", "https://example.com/",
        "https://sub.example.com/", "https://example.com/path", "https://example.com?q",
        "https://example.com#f", "https://example.com/.", "https://example.com:443/",
        "https:/example.com",
        "https:example.com", "https//example.com", "//example.com", "example.com",
        "https://", "https:///example.com",
    ],
    "trailing_dots": [
        "https://example.com.", "https://sub.example.com.", "https://example.com..",
        "https://sub.example.com.:443", "https://example.com.:8443", "https://a.b.example.com.",
    ],
    "userinfo": [
        "https://user@example.com", "https://user:pass@example.com", "https://example.com@evil.test",
        "https://evil.test@example.com", "https://example.com:@evil.test",
        "https://example.com%40evil.test", "https://sub.example.com@evil.test",
        "https://@example.com", "https://a@sub.example.com", "https://example.com\\@evil.test",
    ],
    "schemes_and_ports": [
        "http://example.com", "http://sub.example.com", "ws://example.com", "wss://example.com",
        "ftp://example.com", "file://example.com", "chrome-extension://example.com",
        "javascript://example.com", "data://example.com", "gopher://example.com",
        "https+evil://example.com", "httpss://example.com", "https://example.com:80",
        "https://example.com:65536", "https://example.com:99999", "https://example.com:-1",
        "https://example.com:1e3", "https://example.com:0x1bb", "https://example.com: 443",
        "https://example.com:443443", "https://sub.example.com:8080", "http://example.com:443",
        "https://example.com:8443:8443", "https://example.com:*",
    ],
    "labels": [
        "https://" + "a" * 64 + ".example.com",
        "https://" + "a" * 300 + ".example.com",
        "https://" + ("a." * 200) + "example.com",
        "https://" + "a" * 1100 + ".example.com",
        "https://" + "b" * 64 + ".c.example.com",
        "https://a." + "b" * 64 + ".example.com",
        "https://.sub.example.com", "https://sub..sub.example.com",
    ],
    "unicode_and_homoglyphs": [
        "https://exаmple.com", "https://sub.exаmple.com", "https://ехample.com",
        "https://example.cοm", "https://éxample.com", "https://sub.éxample.com",
        "https://bücher.example.com", "https://例え.example.com", "https://example.com\u00a0",
        "https://ｅxample.com", "https://example。com", "https://sub．example.com",
        "https://xn--exmple-cua.com", "https://example.com\u200b", "https://\u200bsub.example.com",
    ],
    "lists": [
        "https://example.com, https://evil.test", "https://evil.test, https://example.com",
        "https://example.com https://evil.test", "https://example.com,https://example.com",
        "https://example.com;https://evil.test", "https://sub.example.com, null",
        "null, https://example.com",
    ],
    "control_characters": [
        "https://\texample.com", "https://exam\tple.com",
        "https://sub.example.com\t.evil.test", 
    ],
}

ACCEPTED = [
    "https://example.com", "https://a.example.com", "https://www.example.com",
    "https://a-b.example.com", "https://a.b.example.com", "https://a.b.c.d.e.example.com",
    "https://1.example.com", "https://123.example.com", "https://xn--bcher-kva.example.com",
    "https://" + "a" * 63 + ".example.com", "https://z9.example.com", "https://a--b.example.com",
]


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def case(name, rules, select, origin, expect_kind, headers):
    lines = [
        "[[case]]",
        f"name = {toml_string(name)}",
        f"rules = {json.dumps(rules)}",
        f"select = {{ policy = {toml_string(select)} }}",
        'method = "GET"',
        f"headers = [[\"Origin\", {toml_string(origin)}]]",
        "[case.expect]",
        f"kind = {toml_string(expect_kind)}",
        "headers = [" + ", ".join(f"[{toml_string(n)}, {toml_string(v)}]" for n, v in headers) + "]",
        "",
    ]
    return "\n".join(lines)


def port_variant(origin):
    """The same origin against the port-8443 policy: an accepted origin gets
    the port; a hostile one is sent as is."""
    return origin + ":8443"


out = [
    'description = "Attack corpus: hostile origins that must be rejected and origins that must be accepted, for https://example.com and https://*.example.com with and without a port and credentials (generated by generate-attacks.py)"',
    "policy = '''" + POLICY + "'''",
    "",
]
count = 0
seen = set()
for family, origins in HOSTILE.items():
    for i, origin in enumerate(origins):
        if origin != origin.strip(" \t"):
            raise SystemExit(f"{origin!r}: HTTP strips surrounding whitespace, so it is not hostile")
        for select in ["plain", "port", "credentials"]:
            value = origin
            if select == "port" and origin.endswith(":8443") and origin.count(":") == 2:
                continue  # what the port variant allows
            key = (select, value)
            if key in seen:
                continue
            seen.add(key)
            rules = ["R1", "R18", "R27"]
            out.append(case(f"{family}-{i}-{select}", rules, select, value, "rejected", [("vary", "Origin")]))
            count += 1
accepted = 0
for i, origin in enumerate(ACCEPTED):
    for select in ["plain", "port", "credentials"]:
        value = port_variant(origin) if select == "port" else origin
        headers = [("access-control-allow-origin", value)]
        if select == "credentials":
            headers.append(("access-control-allow-credentials", "true"))
        headers.append(("vary", "Origin"))
        out.append(case(f"accepted-{i}-{select}", ["R1", "R18"], select, value, "actual", headers))
        accepted += 1

path = os.path.join(os.path.dirname(__file__), "08-attack-origins.toml")
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(out))
hostile = len({o for os_ in HOSTILE.values() for o in os_})
print(f"wrote {path}: {hostile} distinct hostile origins, {count} rejection cases, {accepted} acceptance cases")
