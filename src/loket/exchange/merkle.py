"""Merkle tree hashing of the access log as RFC 9162 (Certificate Transparency v2) defines it:
tree heads, inclusion proofs and their verification.

The leaf data of entry `seq` is its `entry_hash` as 64 ASCII hex characters (not the body): the
entry hash already commits to the body and to every earlier entry, and a proof for one entry can
then be handed out without revealing what the entry says.
"""

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class InvalidProofRequest(ValueError):
    """An inclusion proof was asked for a leaf that is not in the tree."""


def leaf_data(entry_hash: str) -> bytes:
    """The Merkle leaf of an access-log entry: its entry hash as ASCII bytes."""
    return entry_hash.encode("ascii")


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleAccumulator:
    """The root of a growing tree without keeping its leaves.

    It keeps the roots of the complete subtrees that make up the tree (RFC 9162 trees are
    left-balanced, so a tree of n leaves is one complete subtree per set bit of n, largest first),
    which is at most log2(n) hashes; the root at the current size folds them from the right.
    """

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self.size = 0

    def append(self, leaf: bytes) -> None:
        self.append_hash(leaf_hash(leaf))

    def append_hash(self, hashed_leaf: bytes) -> None:
        stack = self._stack
        stack.append(hashed_leaf)
        self.size += 1
        merges = self.size
        while not merges & 1:
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            merges >>= 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        result = self._stack[-1]
        for subtree in reversed(self._stack[:-1]):
            result = node_hash(subtree, result)
        return result


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1."""
    accumulator = MerkleAccumulator()
    for leaf in leaves:
        accumulator.append(leaf)
    return accumulator.root()


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1: the sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(leaves):
        raise InvalidProofRequest(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    path: list[bytes] = []
    start, end, m = 0, len(leaves), index
    # Walk down from the root; each step's sibling subtree is one proof node (collected top-down,
    # returned bottom-up as the RFC orders them).
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(root(leaves[start + k : end]))
            end = start + k
        else:
            path.append(root(leaves[start : start + k]))
            start, m = start + k, m - k
    path.reverse()
    return path


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows `leaf` at `index` in the tree of `tree_size` leaves with root
    `root` (RFC 9162 §2.1.3.2)."""
    if index < 0 or index >= tree_size:
        return False
    fn, sn = index, tree_size - 1
    result = leaf_hash(leaf)
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root
