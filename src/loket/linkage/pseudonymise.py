"""Encoding claims at the welfare centre, before they leave it: keyed hashes and Bloom filters.

The hub that links the encoded claims sees no name, INSZ or birth date: only keyed HMAC-SHA256
keys (equal values give equal keys) and CLKs (Bloom filters of bigrams, Schnell et al. 2009,
built exactly like clkhash's `blakeHash` scheme) whose Dice coefficient tells how alike two
names are. Both are keyed with a secret the OCMWs share and the hub never holds.
"""

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_KEY_BYTES = 32
KEY_FILE_VARIABLE = "LOKET_LINKAGE_KEY_FILE"

CLK_BITS = 1024
# The CLK fields in schema order: the order fixes which derived key each field gets, so it is
# part of the format (a reordering would make old and new encodings incomparable).
CLK_FIELDS = ("family_name", "given_names", "names", "insz")
CLK_BITS_PER_TOKEN = {"family_name": 20, "given_names": 20, "names": 15, "insz": 20}
CLK_SALT = b"loket-linkage-clk"
CLK_INFO = b"loket-linkage-clk-v1"
CLK_KEY_BYTES = 64
HMAC_INFO = b"loket-linkage-hmac-v1"

# The hub needs the claim ids, the welfare centre and the period (for overlaps) in clear.
KEPT_COLUMNS = ("claim_id", "ocmw_refnis", "start_date", "end_date")
KEY_COLUMNS = (
    "insz_key",
    "family_birth_key",
    "core_first_birth_key",
    "given_birth_key",
    "birth_key",
    "birth_swapped_key",
    "birth_month_key",
    "sex_key",
    "postcode_key",
)
CLK_COLUMNS = tuple(f"{name}_clk" for name in CLK_FIELDS)
ENCODED_COLUMNS = (*KEPT_COLUMNS, "insz_valid", *KEY_COLUMNS, *CLK_COLUMNS)


class LinkageKeyError(ValueError):
    """The linkage key is missing or too short to protect the encodings."""


def load_key(path: Path | None = None) -> bytes:
    """The shared secret from `path`, or from the file named in LOKET_LINKAGE_KEY_FILE.

    The file holds at least 32 random bytes (for instance `head -c 32 /dev/urandom`); a
    trailing newline from an editor is not part of the key.
    """
    if path is None:
        named = os.environ.get(KEY_FILE_VARIABLE)
        if not named:
            raise LinkageKeyError(
                f"no linkage key: give --key-file or set {KEY_FILE_VARIABLE} to the file "
                "holding the key the OCMWs share"
            )
        path = Path(named)
    try:
        key = path.read_bytes().rstrip(b"\r\n")
    except OSError as error:
        raise LinkageKeyError(f"cannot read the linkage key file {path}: {error}") from error
    if len(key) < MIN_KEY_BYTES:
        raise LinkageKeyError(
            f"the linkage key in {path} has {len(key)} bytes; at least {MIN_KEY_BYTES} random "
            "bytes are needed, or the hub could guess it and recover names"
        )
    return key


def derive_clk_keys(secret: bytes) -> dict[str, bytes]:
    """One key per CLK field, derived the way clkhash derives them (HKDF-SHA256, two
    64-byte keys per field of which `blakeHash` uses the first)."""
    keys_per_field = 2
    material = HKDF(
        algorithm=hashes.SHA256(),
        length=len(CLK_FIELDS) * keys_per_field * CLK_KEY_BYTES,
        salt=CLK_SALT,
        info=CLK_INFO,
    ).derive(secret)
    step = keys_per_field * CLK_KEY_BYTES
    return {
        name: material[index * step : index * step + CLK_KEY_BYTES]
        for index, name in enumerate(CLK_FIELDS)
    }


def derive_hmac_key(secret: bytes) -> bytes:
    """The key of the exact-match HMACs, independent of the CLK keys."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=CLK_SALT, info=HMAC_INFO).derive(secret)


def bigrams(value: str) -> list[str]:
    """Bigrams of the value padded with one space each side, as clkhash tokenises."""
    if not value:
        return []
    padded = f" {value} "
    return [padded[index : index + 2] for index in range(len(padded) - 1)]


@dataclass
class ClkEncoder:
    """Bloom-filter encoding of one field: each bigram sets `bits_per_token` bits chosen by
    keyed BLAKE2b (clkhash `blakeHash`), so the bit positions are unknown without the key."""

    key: bytes
    bits_per_token: int
    bits: int = CLK_BITS
    _token_masks: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.bits & (self.bits - 1) or self.bits > 1 << 16:
            raise ValueError("the CLK length must be a power of two of at most 65536 bits")

    def _token_mask(self, token: str) -> int:
        mask = self._token_masks.get(token)
        if mask is None:
            positions: list[int] = []
            for block in range((self.bits_per_token + 31) // 32):
                digest = hashlib.blake2b(
                    token.encode("utf-8"), key=self.key, salt=str(block).encode()
                ).digest()
                positions.extend(struct.unpack("<32H", digest))
            mask = 0
            for position in positions[: self.bits_per_token]:
                # Bit 0 is the first bit of the first byte, as clkhash's big-endian bitarray.
                mask |= 1 << (self.bits - 1 - position % self.bits)
            self._token_masks[token] = mask
        return mask

    def encode_bits(self, value: str) -> int:
        mask = 0
        for token in bigrams(value):
            mask |= self._token_mask(token)
        return mask

    def encode(self, value: str | None) -> str | None:
        """The CLK as base64 (clkhash's serialisation), None for a missing value."""
        if not value:
            return None
        raw = self.encode_bits(value).to_bytes(self.bits // 8, "big")
        return base64.b64encode(raw).decode("ascii")


def dice(clk_a: str, clk_b: str) -> float:
    """Dice coefficient of two base64 CLKs: 2|A∩B| / (|A|+|B|)."""
    a = int.from_bytes(base64.b64decode(clk_a), "big")
    b = int.from_bytes(base64.b64decode(clk_b), "big")
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


class Encoder:
    """Everything one OCMW needs to encode its claims under the shared secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise LinkageKeyError(
                f"the linkage key has {len(secret)} bytes; at least {MIN_KEY_BYTES} are needed"
            )
        self._hmac_key = derive_hmac_key(secret)
        self.clks = {
            name: ClkEncoder(key, CLK_BITS_PER_TOKEN[name])
            for name, key in derive_clk_keys(secret).items()
        }

    def keyed(self, domain: str, *parts: object) -> str | None:
        """HMAC-SHA256 (hex) of the parts within a domain; None when any part is missing, so
        that two claims missing the same field never agree on it."""
        if any(part is None or part == "" for part in parts):
            return None
        message = "\x1f".join([domain, *(str(part) for part in parts)]).encode("utf-8")
        return hmac.new(self._hmac_key, message, hashlib.sha256).hexdigest()

    def encode_row(self, row: dict[str, object]) -> dict[str, object]:
        birth = row.get("birth_ymd")
        family = row.get("family_name")
        given_sorted = row.get("given_sorted")
        names = " ".join(str(part) for part in (family, given_sorted) if part)
        encoded: dict[str, object] = {name: row.get(name) for name in KEPT_COLUMNS}
        encoded["insz_valid"] = bool(row.get("insz_valid")) if row.get("insz") else None
        encoded["insz_key"] = self.keyed("insz", row.get("insz"))
        encoded["family_birth_key"] = self.keyed("family_birth", family, birth)
        encoded["core_first_birth_key"] = self.keyed(
            "core_first_birth", row.get("family_name_core"), row.get("given_first"), birth
        )
        encoded["given_birth_key"] = self.keyed("given_birth", given_sorted, birth)
        # One domain for the date and its day/month swap, so that a swapped key of one claim
        # can equal the plain key of another.
        encoded["birth_key"] = self.keyed("birth", birth)
        encoded["birth_swapped_key"] = self.keyed("birth", row.get("birth_swapped"))
        encoded["birth_month_key"] = self.keyed("birth_month", str(birth)[:7] if birth else None)
        encoded["sex_key"] = self.keyed("sex", row.get("sex"))
        encoded["postcode_key"] = self.keyed("postcode", row.get("postcode"))
        encoded["family_name_clk"] = self.clks["family_name"].encode(_text(family))
        encoded["given_names_clk"] = self.clks["given_names"].encode(_text(row.get("given_names")))
        encoded["names_clk"] = self.clks["names"].encode(names)
        encoded["insz_clk"] = self.clks["insz"].encode(_text(row.get("insz")))
        return encoded


def _text(value: object) -> str | None:
    return None if value is None else str(value)


ENCODED_SCHEMA = pa.schema(
    [
        ("claim_id", pa.string()),
        ("ocmw_refnis", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("insz_valid", pa.bool_()),
        *((name, pa.string()) for name in (*KEY_COLUMNS, *CLK_COLUMNS)),
    ]
)


def encode_rows(rows: Iterable[dict[str, object]], secret: bytes) -> pa.Table:
    encoder = Encoder(secret)
    encoded = [encoder.encode_row(row) for row in rows]
    return pa.Table.from_pylist(encoded, schema=ENCODED_SCHEMA)


def encode_claims(standardised: pa.Table, key: bytes) -> pa.Table:
    """The claims of one OCMW as the hub may see them: ids, centre, period, keys and CLKs.

    `standardised` has the columns of `loket.linkage.standardise.standardise`; every column
    not listed in ENCODED_COLUMNS (names, INSZ, birth date, street) is left behind.
    """
    return encode_rows(standardised.to_pylist(), key)


def write_encoded(path: Path, encoded: pa.Table) -> None:
    """Write the encoded claims as Parquet (`.parquet`) or as a UTF-8 CSV with a header row."""
    if path.suffix.lower() == ".parquet":
        pq.write_table(encoded, path)
    else:
        pacsv.write_csv(encoded, path)


def read_encoded(path: Path) -> pa.Table:
    """Read encoded claims written by `write_encoded` (at the hub), typed as ENCODED_SCHEMA."""
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
    else:
        options = pacsv.ConvertOptions(
            column_types=ENCODED_SCHEMA, strings_can_be_null=True, include_columns=None
        )
        table = pacsv.read_csv(path, convert_options=options)
    missing = sorted(set(ENCODED_COLUMNS) - set(table.column_names))
    if missing:
        raise ValueError(f"{path} is not an encoded claims file: no {', '.join(missing)}")
    return table.select(list(ENCODED_COLUMNS)).cast(ENCODED_SCHEMA)
