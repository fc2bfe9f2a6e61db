"""Generators for core/catalog/crypto.toml, from the specifications: Base58Check (Bitcoin wiki),
BIP 173/350 (bech32, bech32m), EIP-55 with Keccak-256 (written here from FIPS 202's
Keccak-f[1600] with the original Keccak padding), each chain's version bytes."""

import hashlib
import random

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58check(version: bytes, payload: bytes) -> str:
    body = version + payload
    return b58encode(body + hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4])


def spoil(s: str, alphabet: str, rng: random.Random) -> str:
    """One character changed to another of the alphabet: the checksum no longer holds."""
    i = rng.randrange(len(s) // 2, len(s))
    c = rng.choice([a for a in alphabet if a != s[i]])
    return s[:i] + c + s[i + 1 :]


CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32_encode(hrp: str, data: list, m: bool) -> str:
    const = 0x2BC830A3 if m else 1
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    pm = polymod(values + [0] * 6) ^ const
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data + checksum)


def segwit(hrp: str, rng: random.Random) -> str:
    version = rng.choice([0, 1])
    size = 20 if version == 0 and rng.random() < 0.5 else 32
    prog = rng.randbytes(size)
    bits, acc, data = 0, 0, [version]
    for b in prog:
        acc = acc << 8 | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append(acc >> bits & 31)
    if bits:
        data.append(acc << (5 - bits) & 31)
    return bech32_encode(hrp, data, m=version != 0)


# ---- Keccak-256 (FIPS 202's permutation, Keccak's 0x01 padding) ----
RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
M = (1 << 64) - 1


def rol(x, n):
    return ((x << n) | (x >> (64 - n))) & M if n else x


def keccak_f(a):
    for rc in RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = rol(a[x][y], ROT[x][y])
        a = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    rate = 136
    msg = bytearray(data) + b"\x01"
    while len(msg) % rate:
        msg.append(0)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off : off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        a = keccak_f(a)
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(25))
    return out[:32]


assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def eip55(raw: bytes) -> str:
    low = raw.hex()
    h = keccak256(low.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h[i], 16) >= 8 else c for i, c in enumerate(low))


def eth_hit(rng):
    return ("wallet ", eip55(rng.randbytes(20)), "")


def eth_near(rng):
    addr = eip55(rng.randbytes(20))
    letters = [i for i, c in enumerate(addr) if i > 1 and c.isalpha()]
    i = rng.choice(letters) if letters else 2
    return "wallet " + addr[:i] + addr[i].swapcase() + addr[i + 1 :]


CASES = {
    "bitcoin_address": (
        lambda rng: b58check(rng.choice([b"\x00", b"\x05"]), rng.randbytes(20)),
        lambda rng: spoil(b58check(b"\x00", rng.randbytes(20)), B58, rng),
    ),
    "bitcoin_segwit_address": (
        lambda rng: segwit("bc", rng),
        lambda rng: spoil(segwit("bc", rng), CHARSET, rng),
    ),
    "ethereum_address": (eth_hit, eth_near),
    "litecoin_address": (
        lambda rng: b58check(rng.choice([b"\x30", b"\x32"]), rng.randbytes(20)),
        lambda rng: spoil(b58check(b"\x30", rng.randbytes(20)), B58, rng),
    ),
    "litecoin_segwit_address": (
        lambda rng: segwit("ltc", rng),
        lambda rng: spoil(segwit("ltc", rng), CHARSET, rng),
    ),
    "dogecoin_address": (
        lambda rng: b58check(bytes([30]), rng.randbytes(20)),
        lambda rng: spoil(b58check(bytes([30]), rng.randbytes(20)), B58, rng),
    ),
    "tron_address": (
        lambda rng: b58check(b"\x41", rng.randbytes(20)),
        lambda rng: spoil(b58check(b"\x41", rng.randbytes(20)), B58, rng),
    ),
    "cardano_address": (
        lambda rng: bech32_encode("addr", [rng.randrange(32) for _ in range(rng.randrange(53, 99))], m=False),
        lambda rng: spoil(bech32_encode("addr", [rng.randrange(32) for _ in range(60)], m=False), CHARSET, rng),
    ),
    "bitcoin_extended_private_key": (
        lambda rng: b58check(bytes.fromhex("0488ade4"), rng.randbytes(74)),
        lambda rng: spoil(b58check(bytes.fromhex("0488ade4"), rng.randbytes(74)), B58, rng),
    ),
    "bitcoin_wif_private_key": (
        lambda rng: b58check(b"\x80", rng.randbytes(32) + (b"\x01" if rng.random() < 0.5 else b"")),
        lambda rng: spoil(b58check(b"\x80", rng.randbytes(32)), B58, rng),
    ),
}
