"""Produce clkhash_reference.json with clkhash itself (run in a throw-away environment).

clkhash pins cryptography<41 and cannot live in loket's environment, so this script is run
once with `pip install clkhash==0.18.3` in a separate virtual environment; loket's own encoder
(loket.linkage.pseudonymise) must reproduce the CLKs it writes bit for bit.
"""

import base64
import importlib.metadata
import json
from pathlib import Path

from clkhash.clk import generate_clks
from clkhash.schema import from_json_dict
from clkhash.serialization import serialize_bitarray

SECRET = b"loket-test-key-not-secret-0123456789abcdef"
FIELDS = ["family_name", "given_names", "names", "insz"]
SALT = b"loket-linkage-clk"
INFO = b"loket-linkage-clk-v1"
BITS = 1024
BITS_PER_TOKEN = {"family_name": 20, "given_names": 20, "names": 15, "insz": 20}

VALUES = {
    "family_name": [
        "vandenbroeck",
        "vandenbroek",
        "lefevre",
        "lefebvre",
        "peeters",
        "peters",
        "janssens",
        "jansen",
        "dubois",
        "devos",
        "de",
        "x",
        "ozturk",
        "nguyen",
        "vanderlinden",
        "dhondt",
        "mertens",
        "claes",
        "wouters",
        "goossens",
    ],
    "given_names": [
        "jean pierre",
        "pierre jean",
        "marie",
        "maria",
        "mohamed",
        "mohammed",
        "an",
        "anne sophie",
        "luc",
        "els",
        "koen",
        "fatima",
        "jan",
        "jean",
        "sofie",
        "sophie",
        "lieve marie",
        "thomas",
        "noah",
        "e",
    ],
    "names": [
        "vandenbroeck jean pierre",
        "vandenbroek jean pierre",
        "lefevre marie",
        "marie lefevre",
        "peeters jan",
        "janssens els",
        "dubois luc",
        "nguyen thi",
        "ozturk mehmet",
        "claes lieve marie",
        "mertens koen",
        "wouters an",
        "devos sofie",
        "goossens noah",
        "dhondt thomas",
        "jansen fatima",
        "vanderlinden mohamed",
        "peters jan",
        "lefebvre marie",
        "de e",
    ],
    "insz": [
        "85073003328",
        "85073003382",
        "85073003329",
        "93051822361",
        "93051822316",
        "00010100125",
        "00010100152",
        "76121525807",
        "76121525870",
        "67022806441",
        "01020312346",
        "99123199813",
        "12345678901",
        "85070303328",
        "58030700167",
        "40010151073",
        "90022900173",
        "88888888888",
        "00000000097",
        "71040412345",
    ],
}


def schema_json() -> dict:
    features = []
    for field in FIELDS:
        features.append(
            {
                "identifier": field,
                "format": {"type": "string", "encoding": "utf-8"},
                "hashing": {
                    "comparison": {"type": "ngram", "n": 2, "positional": False},
                    "strategy": {"bitsPerToken": BITS_PER_TOKEN[field]},
                    "hash": {"type": "blakeHash"},
                },
            }
        )
    return {
        "version": 3,
        "clkConfig": {
            "l": BITS,
            "kdf": {
                "type": "HKDF",
                "hash": "SHA256",
                "salt": base64.b64encode(SALT).decode(),
                "info": base64.b64encode(INFO).decode(),
                "keySize": 64,
            },
        },
        "features": features,
    }


def main() -> None:
    schema_dict = schema_json()
    schema = from_json_dict(schema_dict)
    cases = []
    for index, field in enumerate(FIELDS):
        # One field filled, the others empty: the CLK of that field alone, under the key
        # clkhash derives for that field's position in the schema.
        records = []
        for value in VALUES[field]:
            record = [""] * len(FIELDS)
            record[index] = value
            records.append(record)
        clks = generate_clks(records, schema, SECRET, validate=False, max_workers=1)
        for value, clk in zip(VALUES[field], clks, strict=True):
            cases.append({"field": field, "value": value, "clk": serialize_bitarray(clk)})
    reference = {
        "generated_by": f"clkhash {importlib.metadata.version('clkhash')}",
        "secret_base64": base64.b64encode(SECRET).decode(),
        "schema": schema_dict,
        "cases": cases,
    }
    out = Path(__file__).with_name("clkhash_reference.json")
    out.write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
