"""Reads YAML documents, one per line as the hex of their UTF-8 bytes, from the file named by the
first argument, and prints for each the canonical form of what PyYAML's safe loader reads (see
CanonicalForm.swift), or '!' and the error."""
import struct
import sys

import yaml


def canonical(value):
    if value is None:
        return "n"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return "i%d" % value
    if isinstance(value, float):
        if value != value:
            return "dnan"  # NaN bit patterns differ between Python and Swift
        return "d%d" % struct.unpack("<Q", struct.pack("<d", value))[0]
    if isinstance(value, str):
        return "s" + value.encode("utf-8").hex()
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(canonical(k) + ":" + canonical(v) for k, v in value.items()) + "}"
    return "?" + type(value).__name__


with open(sys.argv[1], encoding="ascii") as documents:
    for line in documents:
        text = bytes.fromhex(line.strip()).decode("utf-8")
        try:
            print(canonical(yaml.load(text, Loader=yaml.SafeLoader)))
        except yaml.YAMLError as error:
            print("!" + " ".join(str(error).split()))
