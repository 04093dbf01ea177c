#!/usr/bin/env python3
"""The second stage of a gitleaks scan with keyrotator's rules.

gitleaks matches the shape of a key (prefix, alphabet, length) but cannot compute a checksum. For
findings of rules tagged "checksum", this drops those whose last 6 characters are not the CRC32 of
the rest in base62 (keyrotator's KeyGenerator.checksum), so a random string of the right shape is
not reported. Reads gitleaks' JSON report, prints the findings that stay (rule, file, line; never
the secret), and exits 1 when there are any, 0 otherwise.

    gitleaks dir . --config keyrotator.toml --report-format json --report-path report.json --exit-code 0
    scripts/scanning/verify-checksums.py report.json
"""
import json
import sys
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def checksum(prefix_and_body):
    value = zlib.crc32(prefix_and_body.encode("utf-8")) & 0xFFFFFFFF
    digits = []
    for _ in range(6):
        digits.append(BASE62[value % 62])
        value //= 62
    return "".join(reversed(digits))


def stays(finding):
    if "checksum" not in (finding.get("Tags") or []):
        return True
    secret = finding.get("Secret") or ""
    return len(secret) > 6 and checksum(secret[:-6]) == secret[-6:]


def main(path):
    with open(path, encoding="utf-8") as report:
        findings = json.load(report) or []
    kept = [f for f in findings if stays(f)]
    for finding in kept:
        print(f"{finding.get('RuleID')}\t{finding.get('File')}:{finding.get('StartLine')}")
    print(f"{len(kept)} of {len(findings)} findings have a valid checksum or need none", file=sys.stderr)
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
