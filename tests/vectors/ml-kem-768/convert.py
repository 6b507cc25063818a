#!/usr/bin/env python3
"""Convert the ML-KEM-768 test vectors into the plain format test_mlkem.c reads.

Usage: convert.py SRC_DIR

SRC_DIR holds the files named in SOURCE.md: the two NIST ACVP JSON files
(already filtered to ML-KEM-768) and the C2SP/CCTV text files. The outputs go
next to this script:

  acvp-keygen.txt, acvp-encap.txt, acvp-decap.txt, acvp-dk-check.txt,
  acvp-ek-check.txt   one record per ACVP test case: "name = value" lines,
                      records separated by a blank line, hex in lowercase
  cctv-unluckysample.txt, cctv-strcmp.txt
                      the CCTV files, copied unchanged
  cctv-modulus.txt.gz the CCTV modulus file, compressed with gzip -9n

Only the format changes; every value is copied unchanged.
"""
import gzip
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write_records(name, records):
    with open(os.path.join(HERE, name), "w") as f:
        for rec in records:
            for key, value in rec:
                f.write("%s = %s\n" % (key, value))
            f.write("\n")


def hexval(s):
    return s.lower()


def group(doc, function=None):
    groups = [g for g in doc["testGroups"] if g["parameterSet"] == "ML-KEM-768" and
              (function is None or g["function"] == function)]
    assert len(groups) == 1, (function, len(groups))
    return groups[0]["tests"]


def main():
    src = sys.argv[1]
    with open(os.path.join(src, "ACVP-ML-KEM-keyGen-FIPS203-internalProjection-768.json")) as f:
        keygen = json.load(f)
    with open(os.path.join(src, "ACVP-ML-KEM-encapDecap-FIPS203-internalProjection-768.json")) as f:
        encdec = json.load(f)

    write_records("acvp-keygen.txt", [
        [("tcId", t["tcId"]), ("d", hexval(t["d"])), ("z", hexval(t["z"])),
         ("ek", hexval(t["ek"])), ("dk", hexval(t["dk"]))]
        for t in group(keygen)])
    write_records("acvp-encap.txt", [
        [("tcId", t["tcId"]), ("ek", hexval(t["ek"])), ("dk", hexval(t["dk"])),
         ("m", hexval(t["m"])), ("c", hexval(t["c"])), ("k", hexval(t["k"]))]
        for t in group(encdec, "encapsulation")])
    write_records("acvp-decap.txt", [
        [("tcId", t["tcId"]), ("reason", t["reason"]), ("dk", hexval(t["dk"])),
         ("c", hexval(t["c"])), ("k", hexval(t["k"]))]
        for t in group(encdec, "decapsulation")])
    write_records("acvp-dk-check.txt", [
        [("tcId", t["tcId"]), ("reason", t["reason"]),
         ("passed", 1 if t["testPassed"] else 0), ("dk", hexval(t["dk"]))]
        for t in group(encdec, "decapsulationKeyCheck")])
    write_records("acvp-ek-check.txt", [
        [("tcId", t["tcId"]), ("reason", t["reason"]),
         ("passed", 1 if t["testPassed"] else 0), ("ek", hexval(t["ek"]))]
        for t in group(encdec, "encapsulationKeyCheck")])

    for name in ("unluckysample", "strcmp"):
        shutil.copyfile(os.path.join(src, "CCTV-%s-ML-KEM-768.txt" % name),
                        os.path.join(HERE, "cctv-%s.txt" % name))
    with open(os.path.join(src, "CCTV-modulus-ML-KEM-768.txt"), "rb") as f:
        data = f.read()
    # mtime=0 and no file name in the header, like gzip -9n: reproducible.
    with open(os.path.join(HERE, "cctv-modulus.txt.gz"), "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            gz.write(data)


if __name__ == "__main__":
    main()
