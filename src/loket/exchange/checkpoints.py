"""Signed checkpoints of the access log: an Ed25519 signature over the Merkle root of the first
`tree_size` entries, exported as JSON for publication outside the system, and inclusion proofs.

The hash chain alone shows that a log was changed only to someone who kept an old head; a
signed, published checkpoint lets anyone holding the public key prove that entries it covers
were later rewritten, removed or cut off.
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.exchange.log import GENESIS_HASH
from loket.exchange.merkle import MerkleAccumulator, inclusion_proof, leaf_data, verify_inclusion
from loket.exchange.model import AccessLogEntry, AccessLogHead, AuditCheckpoint
from loket.settings import get_settings

EXPORT_FORMAT = "loket-checkpoint/1"
STATEMENT_TAG = "loket-checkpoint"


class AuditError(Exception):
    """The access log or its checkpoints cannot serve the request."""


# --- the signing key ---------------------------------------------------------------------------


def load_or_create_key(path: str | Path | None = None) -> Ed25519PrivateKey:
    """The signing key in the PEM file at `path` (default: setting LOKET_AUDIT_KEY_FILE),
    created with owner-only permissions when it does not exist yet."""
    key_path = Path(path or get_settings().audit_key_file)
    if not key_path.exists():
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            # O_EXCL: two processes starting at once must not each write a different key.
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
            return key
    return load_key(key_path)


def load_key(path: str | Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditError(f"{path} does not hold an Ed25519 private key")
    return key


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise AuditError("the public key is not an Ed25519 key")
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex characters of SHA-256 over the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- statements and signatures -----------------------------------------------------------------


def checkpoint_statement(
    tree_size: int, root_hash: str, head_entry_hash: str, created_at: datetime
) -> str:
    """The exact text that is signed. `created_at` is UTC (stored without a zone)."""
    when = created_at.replace(tzinfo=UTC).isoformat(timespec="microseconds")
    return f"{STATEMENT_TAG}\n{tree_size}\n{root_hash}\n{head_entry_hash}\n{when}"


def statement_of(checkpoint: AuditCheckpoint) -> str:
    return checkpoint_statement(
        checkpoint.tree_size,
        checkpoint.root_hash,
        checkpoint.head_entry_hash,
        checkpoint.created_at,
    )


def signature_valid(public_key: Ed25519PublicKey, statement: str, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, statement.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- making checkpoints ------------------------------------------------------------------------


def make_checkpoint(session: Session, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """Sign the Merkle root over every entry up to the current head (added and flushed, not
    committed).

    It trusts the stored entry hashes: call it through `verify.checkpoint_verified_log` so that
    a signature never covers a log that was already tampered with.
    """
    head = session.execute(
        select(AccessLogHead.seq, AccessLogHead.entry_hash).where(AccessLogHead.id == 1)
    ).one()
    accumulator = MerkleAccumulator()
    last_hash = GENESIS_HASH
    hashes = session.execute(
        select(AccessLogEntry.seq, AccessLogEntry.entry_hash)
        .where(AccessLogEntry.seq <= head.seq)
        .order_by(AccessLogEntry.seq)
        .execution_options(yield_per=10_000)
    )
    for seq, entry_hash in hashes:
        if seq != accumulator.size + 1:
            raise AuditError(f"entry {accumulator.size + 1} is missing; no checkpoint was made")
        accumulator.append(leaf_data(entry_hash))
        last_hash = entry_hash
    if accumulator.size != head.seq or last_hash != head.entry_hash:
        raise AuditError("the head row does not match the last entry; no checkpoint was made")
    created_at = datetime.now(UTC).replace(tzinfo=None)
    root_hash = accumulator.root().hex()
    statement = checkpoint_statement(head.seq, root_hash, head.entry_hash, created_at)
    checkpoint = AuditCheckpoint(
        tree_size=head.seq,
        root_hash=root_hash,
        head_entry_hash=head.entry_hash,
        created_at=created_at,
        key_id=key_id(key.public_key()),
        signature=base64.b64encode(key.sign(statement.encode("utf-8"))).decode("ascii"),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    ).first()


# --- publication -------------------------------------------------------------------------------


def export_checkpoint(
    checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey | None = None
) -> dict[str, Any]:
    """The checkpoint as JSON for publication: the signed statement, its fields, the signature
    (base64) and the public key (PEM; default: the key of LOKET_AUDIT_KEY_FILE)."""
    key = public_key or load_or_create_key().public_key()
    return {
        "format": EXPORT_FORMAT,
        "statement": statement_of(checkpoint),
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "head_entry_hash": checkpoint.head_entry_hash,
        "created_at": checkpoint.created_at.replace(tzinfo=UTC).isoformat(timespec="microseconds"),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "public_key": public_key_pem(key),
    }


def verify_exported(data: dict[str, Any], public_key_pem: str | bytes) -> bool:
    """Whether an exported checkpoint is intact and signed by the holder of `public_key_pem`,
    a key the verifier obtained independently (the copy inside the export is only compared)."""
    try:
        trusted = load_public_key(public_key_pem)
        created_at = datetime.fromisoformat(str(data["created_at"])).astimezone(UTC)
        statement = checkpoint_statement(
            int(data["tree_size"]),
            str(data["root_hash"]),
            str(data["head_entry_hash"]),
            created_at.replace(tzinfo=None),
        )
        embedded = load_public_key(str(data["public_key"]))
    except (KeyError, TypeError, ValueError, AuditError):
        return False
    if data.get("format") != EXPORT_FORMAT or data.get("statement") != statement:
        return False
    if data.get("key_id") != key_id(trusted) or key_id(embedded) != key_id(trusted):
        return False
    return signature_valid(trusted, statement, str(data.get("signature", "")))


# --- inclusion proofs --------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    entry_hash: str
    tree_size: int
    root_hash: str
    checkpoint_id: int
    proof: list[str]
    verified: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "leaf_index": self.seq - 1,
            "entry_hash": self.entry_hash,
            "leaf": "entry_hash as ASCII",
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "checkpoint_id": self.checkpoint_id,
            "proof": self.proof,
            "verified": self.verified,
        }


def prove_entry(session: Session, seq: int) -> InclusionProof:
    """An RFC 9162 inclusion proof of entry `seq` in the tree of the latest checkpoint."""
    checkpoint = latest_checkpoint(session)
    if checkpoint is None:
        raise AuditError("there is no checkpoint yet; make one with `loket audit checkpoint`")
    if not 1 <= seq <= checkpoint.tree_size:
        raise AuditError(
            f"entry {seq} is not covered by the latest checkpoint "
            f"(entries 1 to {checkpoint.tree_size})"
        )
    hashes = list(
        session.scalars(
            select(AccessLogEntry.entry_hash)
            .where(AccessLogEntry.seq <= checkpoint.tree_size)
            .order_by(AccessLogEntry.seq)
        )
    )
    if len(hashes) != checkpoint.tree_size:
        raise AuditError("entries covered by the latest checkpoint are missing; run verify")
    leaves = [leaf_data(h) for h in hashes]
    path = inclusion_proof(seq - 1, leaves)
    verified = verify_inclusion(
        leaves[seq - 1], seq - 1, checkpoint.tree_size, path, bytes.fromhex(checkpoint.root_hash)
    )
    return InclusionProof(
        seq=seq,
        entry_hash=hashes[seq - 1],
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        checkpoint_id=checkpoint.id,
        proof=[node.hex() for node in path],
        verified=verified,
    )
