"""Deterministic identifiers in each tool's own style, derived from a seed and an index.

Ids are pure functions of (seed, namespace, index) so that every chunk of a large demo,
generated on its own, agrees on them, and so that the answer key can name them.
"""

from __future__ import annotations

import numpy as np

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_ALPHABET36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_ALPHABET62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def mix(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """A splitmix64 hash of (seed, namespace, index): 64 well-spread bits per index."""
    salt = np.uint64(abs(hash_text(f"{seed}:{namespace}")) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = (np.asarray(index, dtype=np.uint64) + salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return (z ^ (z >> np.uint64(31))) & _MASK


def hash_text(text: str) -> int:
    """A stable string hash (Python's own `hash` changes between processes)."""
    value = 1469598103934665603
    for byte in text.encode():
        value = ((value ^ byte) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return value


def _digits(values: np.ndarray, alphabet: np.ndarray, width: int) -> np.ndarray:
    base = np.uint64(len(alphabet))
    values = values.copy()
    chars = np.empty((len(values), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        chars[:, position] = alphabet[(values % base).astype(np.int64)]
        values //= base
    return np.ascontiguousarray(chars).view(f"S{width}").ravel().astype(str).astype(object)


def _encoded(
    seed: int, namespace: str, index: np.ndarray, alphabet: np.ndarray, width: int
) -> np.ndarray:
    """`width` characters of `alphabet`, drawing a fresh 64-bit hash for every run of
    characters one hash can fill, so long ids have no constant leading characters."""
    per_hash = int(64 // np.log2(len(alphabet)))
    parts = []
    for part, start in enumerate(range(0, width, per_hash)):
        length = min(per_hash, width - start)
        label = namespace if part == 0 else f"{namespace}#{part + 1}"
        parts.append(_digits(mix(seed, label, index), alphabet, length).astype(str))
    joined = parts[0]
    for more in parts[1:]:
        joined = np.char.add(joined, more)
    return joined.astype(object)


def base36(seed: int, namespace: str, index: np.ndarray, width: int) -> np.ndarray:
    return _encoded(seed, namespace, index, _ALPHABET36, width)


def base62(seed: int, namespace: str, index: np.ndarray, width: int) -> np.ndarray:
    return _encoded(seed, namespace, index, _ALPHABET62, width)


def hexid(seed: int, namespace: str, index: np.ndarray, width: int) -> np.ndarray:
    return _encoded(seed, namespace, index, _HEX, width)


def numeric(seed: int, namespace: str, index: np.ndarray, low: int, high: int) -> np.ndarray:
    """Distinct-looking integers in [low, high), unique per index where the span allows:
    the index is spread by a multiplier coprime with the span, then offset by the seed."""
    span = high - low
    multiplier = 2_654_435_761 % span or 1
    while np.gcd(multiplier, span) != 1:
        multiplier += 1
    offset = hash_text(f"{seed}:{namespace}") % span
    index = np.asarray(index, dtype=np.int64)
    if span < 2**31 and multiplier < 2**31:
        return low + (index * multiplier + offset) % span
    spread = [low + (int(i) * multiplier + offset) % span for i in index]
    return np.array(spread, dtype=np.int64)
