"""Generated values for core/catalog/national_id.toml and financial.toml.

`CASES[name] = (hit, near_miss)`: `hit(rng)` returns an identifier that must be masked, either
a string (the whole string is the value) or `(before, value, after)` where only `value` must be
masked (context entries put their context word in `before`); `near_miss(rng)` returns a value of
the right shape that must not be masked: a wrong check digit, an impossible date, a forbidden
prefix, or (for entries without a validator) no context word.

The check digits are computed here from the published algorithms, independently of the Rust
validators (core/src/detect/catalog/validate.rs) and of the Python validators in
tests/catalog/check_national.py. Where a format is written with separators, hits use the
separated and the compact form at random. Python 3.11, standard library only.

Some formats share a shape (11 digits: PESEL, CPF, TCKN, Belgian and Norwegian numbers; 10
digits: personnummer, NPI, SVNR), so a near miss of one can be a valid number of another, which
that entry rightly masks: such near misses are drawn again (see `_redraw`).
"""

from __future__ import annotations

import datetime
import importlib.util
import pathlib
import random
import re
import tomllib

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --------------------------------------------------------------------------------------------
# Helpers


def dg(rng: random.Random, n: int, first: str = DIGITS) -> str:
    """n random digits, the first one from `first`; never all the same digit."""
    while True:
        s = rng.choice(first) + "".join(rng.choice(DIGITS) for _ in range(n - 1))
        if n < 2 or len(set(s)) > 1:
            return s


def letters(rng: random.Random, n: int, alphabet: str = UPPER) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def birth(rng: random.Random, lo: int = 1930, hi: int = 2019) -> datetime.date:
    start = datetime.date(lo, 1, 1).toordinal()
    end = datetime.date(hi, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def bad_day(rng: random.Random) -> tuple[int, int]:
    """A (month, day) pair that no year has."""
    return rng.choice([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (1, 32), (13, 1),
                       (0, 10)])


def other_digit(rng: random.Random, d: str) -> str:
    return rng.choice([x for x in DIGITS if x != d])


def other(rng: random.Random, c: str, alphabet: str) -> str:
    return rng.choice([x for x in alphabet if x != c])


def weighted(s: str, weights) -> int:
    return sum(int(c) * w for c, w in zip(s, weights))


def luhn_digit(body: str) -> str:
    """The Luhn check digit to append to body."""
    total = 0
    for i, c in enumerate(reversed(body)):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def either(rng: random.Random, *forms: str) -> str:
    return rng.choice(forms)


def ctx(word: str):
    """Wraps a generator's value after a context word."""
    def wrap(fn):
        def inner(rng):
            return (word, fn(rng), "")
        return inner
    return wrap


# --------------------------------------------------------------------------------------------
# United Kingdom


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BAD = ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")


def uk_nino(rng):
    while True:
        p = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if p not in NINO_BAD:
            break
    n = dg(rng, 6)
    s = rng.choice("ABCD")
    return either(rng, p + n + s, f"{p} {n[:2]} {n[2:4]} {n[4:]} {s}")


def uk_nino_miss(rng):
    p = rng.choice([rng.choice(NINO_BAD), rng.choice("DFIQUV") + rng.choice(NINO_SECOND),
                    rng.choice(NINO_FIRST) + rng.choice("DFIOQUV")])
    return p + dg(rng, 6) + rng.choice("ABCD")


def nhs_check(body: str):
    c = 11 - weighted(body, range(10, 1, -1)) % 11
    return 0 if c == 11 else c


def uk_nhs_body(rng):
    while True:
        body = dg(rng, 9, "4678")
        c = nhs_check(body)
        if c != 10:
            return body, c


@ctx("NHS number: ")
def uk_nhs(rng):
    body, c = uk_nhs_body(rng)
    s = body + str(c)
    return either(rng, s, f"{s[:3]} {s[3:6]} {s[6:]}")


@ctx("NHS number: ")
def uk_nhs_miss(rng):
    body, c = uk_nhs_body(rng)
    s = body + other_digit(rng, str(c))
    return f"{s[:3]} {s[3:6]} {s[6:]}"


# --------------------------------------------------------------------------------------------
# Germany


def mod11_10_digit(body: str) -> str:
    p = 10
    for c in body:
        s = (p + int(c)) % 10 or 10
        p = 2 * s % 11
    return str((11 - p) % 10)


def steuer_body(rng):
    ds = list(DIGITS)
    rng.shuffle(ds)
    # nine different digits, one of them twice (or eight and one three times)
    if rng.random() < 0.7:
        body = ds[:9] + [rng.choice(ds[:9])]
    else:
        body = ds[:8] + [ds[0], ds[0]]
    while True:
        rng.shuffle(body)
        if body[0] != "0":
            return "".join(body)


@ctx("Steuer-ID: ")
def de_steuer_id(rng):
    b = steuer_body(rng)
    s = b + mod11_10_digit(b)
    return either(rng, s, f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}")


@ctx("Steuer-ID: ")
def de_steuer_id_miss(rng):
    b = steuer_body(rng)
    if rng.random() < 0.5:
        return b + other_digit(rng, mod11_10_digit(b))
    # every digit once: not an IdNr, whatever its check digit
    ds = list("123456789") + ["0"]
    rng.shuffle(ds)
    if ds[0] == "0":
        ds[0], ds[1] = ds[1], ds[0]
    b = "".join(ds)
    return b + mod11_10_digit(b)


AUSWEIS = "0123456789CFGHJKLMNPRTVWXYZ"


def icao_digit(body: str) -> str:
    w = (7, 3, 1)
    return str(sum(int(c, 36) * w[i % 3] for i, c in enumerate(body)) % 10)


@ctx("Personalausweisnummer: ")
def de_personalausweis(rng):
    body = rng.choice("LMNTCFGHJK") + letters(rng, 8, AUSWEIS)
    return body + icao_digit(body)


@ctx("Personalausweisnummer: ")
def de_personalausweis_miss(rng):
    body = rng.choice("LMNTCFGHJK") + letters(rng, 8, AUSWEIS)
    return body + other_digit(rng, icao_digit(body))


def rvnr_digit(first8: str, letter: str, serial: str) -> str:
    s = first8 + "%02d" % (ord(letter) - 64) + serial
    total = 0
    for c, w in zip(s, (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)):
        p = int(c) * w
        total += sum(map(int, str(p)))
    return str(total % 10)


def rvnr_parts(rng, month=None):
    area = rng.choice(["02", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
                       "20", "21", "23", "24", "25", "26", "28", "38", "39", "42", "53", "65",
                       "80", "81", "82", "89"])
    d = birth(rng)
    day = d.day + rng.choice([0, 0, 0, 32])
    first8 = area + "%02d%02d%02d" % (day, month if month is not None else d.month, d.year % 100)
    return first8, rng.choice(UPPER), dg(rng, 2)


@ctx("Rentenversicherungsnummer: ")
def de_rvnr(rng):
    f, letter, serial = rvnr_parts(rng)
    c = rvnr_digit(f, letter, serial)
    return either(rng, f + letter + serial + c, f"{f[:2]} {f[2:]} {letter} {serial}{c}")


@ctx("Rentenversicherungsnummer: ")
def de_rvnr_miss(rng):
    if rng.random() < 0.5:
        f, letter, serial = rvnr_parts(rng, month=rng.randint(13, 19))
        c = rvnr_digit(f, letter, serial)
    else:
        f, letter, serial = rvnr_parts(rng)
        c = other_digit(rng, rvnr_digit(f, letter, serial))
    return f"{f[:2]} {f[2:]} {letter} {serial}{c}"


# --------------------------------------------------------------------------------------------
# France


def nir_parts(rng):
    sex = rng.choice("1212347")
    d = birth(rng)
    month = "%02d" % d.month if rng.random() < 0.9 else str(rng.randint(50, 99))
    dept = rng.choice(["%02d" % rng.randint(1, 95), "2A", "2B", "75", "13"])
    commune = dg(rng, 3)
    order = dg(rng, 3)
    return sex, "%02d" % (d.year % 100), month, dept, commune, order


def nir_key(sex, yy, mm, dept, commune, order) -> str:
    dnum = {"2A": "19", "2B": "18"}.get(dept, dept)
    return "%02d" % (97 - int(sex + yy + mm + dnum + commune + order) % 97)


def nir_fmt(rng, p, key):
    sex, yy, mm, dept, commune, order = p
    return either(rng, "".join(p) + key, f"{sex} {yy} {mm} {dept} {commune} {order} {key}")


def fr_nir(rng):
    p = nir_parts(rng)
    return nir_fmt(rng, p, nir_key(*p))


def fr_nir_miss(rng):
    p = nir_parts(rng)
    key = nir_key(*p)
    bad = "%02d" % ((int(key) + rng.randint(1, 96)) % 97 or 97)
    return nir_fmt(rng, p, bad)


def fr_nif_value(rng, good=True):
    body = dg(rng, 10, "0123")
    c = int(body) % 511
    if not good:
        c = (c + rng.randint(1, 510)) % 511
    s = body + "%03d" % c
    return either(rng, s, f"{s[:2]} {s[2:4]} {s[4:7]} {s[7:10]} {s[10:]}")


@ctx("numero fiscal: ")
def fr_nif(rng):
    return fr_nif_value(rng)


@ctx("numero fiscal: ")
def fr_nif_miss(rng):
    return fr_nif_value(rng, good=False)


# --------------------------------------------------------------------------------------------
# Spain


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni(rng):
    n = dg(rng, 8)
    return either(rng, n + DNI_LETTERS[int(n) % 23], n + "-" + DNI_LETTERS[int(n) % 23])


def es_dni_miss(rng):
    n = dg(rng, 8)
    return n + other(rng, DNI_LETTERS[int(n) % 23], DNI_LETTERS)


def es_nie(rng):
    p = rng.choice("XYZ")
    n = dg(rng, 7)
    c = DNI_LETTERS[int(str("XYZ".index(p)) + n) % 23]
    return either(rng, p + n + c, f"{p}-{n}-{c}")


def es_nie_miss(rng):
    p = rng.choice("XYZ")
    n = dg(rng, 7)
    return p + n + other(rng, DNI_LETTERS[int(str("XYZ".index(p)) + n) % 23], DNI_LETTERS)


def nss_check(prov: str, num: str) -> int:
    n = int(num) + int(prov) * 10_000_000 if int(num) < 10_000_000 else int(prov + num)
    return n % 97


def nss_fmt(rng, prov, num, c):
    cc = "%02d" % c
    return either(rng, prov + num + cc, f"{prov}/{num}/{cc}", f"{prov} {num} {cc}")


@ctx("numero de la Seguridad Social: ")
def es_nss(rng):
    prov, num = "%02d" % rng.randint(1, 53), dg(rng, 8)
    return nss_fmt(rng, prov, num, nss_check(prov, num))


@ctx("numero de la Seguridad Social: ")
def es_nss_miss(rng):
    prov, num = "%02d" % rng.randint(1, 53), dg(rng, 8)
    return nss_fmt(rng, prov, num, (nss_check(prov, num) + rng.randint(1, 96)) % 97)


# --------------------------------------------------------------------------------------------
# Italy


CF_MONTHS = "ABCDEHLMPRST"
CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
          24, 23]
CF_OMOCODE = "LMNPQRSTUV"


def cf_check(s15: str) -> str:
    total = 0
    for i, c in enumerate(s15):
        v = int(c) if c.isdigit() else ord(c) - 65
        total += CF_ODD[v] if i % 2 == 0 else v
    return chr(65 + total % 26)


def cf_body(rng, date_ok=True):
    d = birth(rng)
    day = d.day + (40 if rng.random() < 0.5 else 0)
    month = CF_MONTHS[d.month - 1]
    if not date_ok:
        month, day = rng.choice([("B", 30), ("B", 31), ("D", 31), ("H", 31), ("P", 31),
                                 ("S", 31), ("A", 32), ("A", 72), ("A", 0)])
    body = list(letters(rng, 6) + "%02d" % (d.year % 100) + month + "%02d" % day
                + rng.choice(UPPER) + dg(rng, 3))
    if rng.random() < 0.2:  # omocodia: digits replaced by letters, from the right
        for i in (14, 13, 12, 10, 9, 7, 6)[:rng.randint(1, 3)]:
            body[i] = CF_OMOCODE[int(body[i])]
    return "".join(body)


def it_codice_fiscale(rng):
    b = cf_body(rng)
    s = b + cf_check(b)
    return s if rng.random() < 0.9 else s.lower()


def it_codice_fiscale_miss(rng):
    if rng.random() < 0.5:
        b = cf_body(rng)
        return b + other(rng, cf_check(b), UPPER)
    b = cf_body(rng, date_ok=False)
    return b + cf_check(b)


# --------------------------------------------------------------------------------------------
# Netherlands


def bsn_body(rng):
    while True:
        b = dg(rng, 8, "123456789")
        c = sum(int(x) * w for x, w in zip(b, range(9, 1, -1))) % 11
        if c != 10:
            return b, c


def bsn_fmt(rng, s):
    return either(rng, s, f"{s[:4]}.{s[4:6]}.{s[6:]}", f"{s[:3]}.{s[3:6]}.{s[6:]}",
                  f"{s[:3]} {s[3:6]} {s[6:]}")


@ctx("BSN: ")
def nl_bsn(rng):
    b, c = bsn_body(rng)
    return bsn_fmt(rng, b + str(c))


@ctx("BSN: ")
def nl_bsn_miss(rng):
    b, c = bsn_body(rng)
    return bsn_fmt(rng, b + other_digit(rng, str(c)))


# --------------------------------------------------------------------------------------------
# Poland


PESEL_W = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def pesel_digit(s10: str) -> str:
    return str((10 - weighted(s10, PESEL_W) % 10) % 10)


def pesel_date(y, m, d):
    return "%02d%02d%02d" % (y % 100, m + (20 if y >= 2000 else 0), d)


def pl_pesel(rng):
    d = birth(rng)
    b = pesel_date(d.year, d.month, d.day) + dg(rng, 4)
    return b + pesel_digit(b)


def pl_pesel_miss(rng):
    d = birth(rng)
    if rng.random() < 0.5:
        b = pesel_date(d.year, d.month, d.day) + dg(rng, 4)
        return b + other_digit(rng, pesel_digit(b))
    m, day = bad_day(rng)
    if m == 13:
        m = 13 + rng.choice([0, 20, 60])  # month 13, 33 or 73: no century
    b = "%02d%02d%02d" % (d.year % 100, m, day) + dg(rng, 4)
    return b + pesel_digit(b)


NIP_W = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def nip_body(rng):
    while True:
        b = dg(rng, 9, "123456789")
        c = weighted(b, NIP_W) % 11
        if c != 10:
            return b, c


def nip_fmt(rng, s):
    return either(rng, s, f"{s[:3]}-{s[3:6]}-{s[6:8]}-{s[8:]}", f"{s[:3]}-{s[3:5]}-{s[5:7]}-{s[7:]}")


@ctx("NIP: ")
def pl_nip(rng):
    b, c = nip_body(rng)
    return nip_fmt(rng, b + str(c))


@ctx("NIP: ")
def pl_nip_miss(rng):
    b, c = nip_body(rng)
    return nip_fmt(rng, b + other_digit(rng, str(c)))


def id_card_digit(series: str, rest: str) -> str:
    # weights 7,3,1 on the letters, 7,3,1,7,3 on the five digits after the check digit
    total = sum((ord(c) - 55) * w for c, w in zip(series, (7, 3, 1)))
    total += weighted(rest, (7, 3, 1, 7, 3))
    return str(total % 10)


@ctx("numer dowodu osobistego: ")
def pl_id_card(rng):
    series, rest = letters(rng, 3), dg(rng, 5)
    s = series + id_card_digit(series, rest) + rest
    return either(rng, s, s[:3] + " " + s[3:])


@ctx("numer dowodu osobistego: ")
def pl_id_card_miss(rng):
    series, rest = letters(rng, 3), dg(rng, 5)
    return series + other_digit(rng, id_card_digit(series, rest)) + rest


# --------------------------------------------------------------------------------------------
# Nordic countries


def se_personnummer(rng):
    d = birth(rng, 1925, 2019)
    day = d.day + (60 if rng.random() < 0.15 else 0)
    b = "%02d%02d%02d" % (d.year % 100, d.month, day) + dg(rng, 3)
    n = b + luhn_digit(b)
    form = rng.randint(0, 3)
    if form == 0:
        return n[:6] + "-" + n[6:]
    if form == 1:
        return n
    if form == 2:
        return str(d.year // 100) + n[:6] + "-" + n[6:]
    return str(d.year // 100) + n


def se_personnummer_miss(rng):
    d = birth(rng, 1925, 2019)
    if rng.random() < 0.5:
        b = "%02d%02d%02d" % (d.year % 100, d.month, d.day) + dg(rng, 3)
        return b[:6] + "-" + b[6:] + other_digit(rng, luhn_digit(b))
    m, day = bad_day(rng)
    b = "%02d%02d%02d" % (d.year % 100, m, day) + dg(rng, 3)
    return b[:6] + "-" + b[6:] + luhn_digit(b)


HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_sign(rng, year):
    if year < 1900:
        return "+"
    if year < 2000:
        return rng.choice("-----YXWVU")
    return rng.choice("AAAABCDEF")


def fi_hetu(rng):
    d = birth(rng, 1890, 2023)
    ind = "%03d" % rng.randint(2, 899)
    b = "%02d%02d%02d" % (d.day, d.month, d.year % 100)
    return b + hetu_sign(rng, d.year) + ind + HETU_CHECK[int(b + ind) % 31]


def fi_hetu_miss(rng):
    d = birth(rng, 1930, 2019)
    ind = "%03d" % rng.randint(2, 899)
    if rng.random() < 0.5:
        b = "%02d%02d%02d" % (d.day, d.month, d.year % 100)
        return b + hetu_sign(rng, d.year) + ind + other(rng, HETU_CHECK[int(b + ind) % 31],
                                                         HETU_CHECK)
    day, m = rng.choice([(30, 2), (31, 4), (31, 6), (31, 9), (31, 11), (32, 1), (15, 13), (0, 5)])
    b = "%02d%02d%02d" % (day, m, d.year % 100)
    return b + hetu_sign(rng, d.year) + ind + HETU_CHECK[int(b + ind) % 31]


def cpr_serial_first(rng, year):
    if year < 1900:
        return rng.choice("5678")
    if year < 2000:
        return rng.choice("0123") if year < 1937 else rng.choice("012349")
    return rng.choice("49") if year <= 2036 else rng.choice("5678")


@ctx("CPR-nr.: ")
def dk_cpr(rng):
    d = birth(rng, 1920, 2023)
    s = "%02d%02d%02d" % (d.day, d.month, d.year % 100) + cpr_serial_first(rng, d.year) + dg(rng, 3)
    return either(rng, s[:6] + "-" + s[6:], s)


@ctx("CPR-nr.: ")
def dk_cpr_miss(rng):
    m, day = bad_day(rng)
    return "%02d%02d%02d-" % (day % 100, m, rng.randint(0, 99)) + dg(rng, 4)


def fnr_checks(s9: str):
    k1 = (11 - weighted(s9, (3, 7, 6, 1, 8, 9, 4, 5, 2))) % 11
    k2 = (11 - weighted(s9 + str(k1 % 10), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))) % 11
    return k1, k2


def fnr_body(rng, good_date=True):
    while True:
        d = birth(rng, 1940, 2023)
        if d.year >= 2000:
            ind = rng.randint(500, 999)
        else:
            ind = rng.randint(0, 499) if rng.random() < 0.8 or d.year < 1940 else rng.randint(900, 999)
        day, month = d.day, d.month
        if rng.random() < 0.1:
            day += 40  # D-number
        if not good_date:
            month, day = rng.choice([(2, 30), (4, 31), (6, 31), (2, 31), (11, 31)])
        s9 = "%02d%02d%02d%03d" % (day, month, d.year % 100, ind)
        k1, k2 = fnr_checks(s9)
        if k1 != 10 and k2 != 10:
            return s9, k1, k2


def fnr_fmt(rng, s):
    return either(rng, s, s[:6] + " " + s[6:])


def no_fodselsnummer(rng):
    s9, k1, k2 = fnr_body(rng)
    return fnr_fmt(rng, s9 + str(k1) + str(k2))


def no_fodselsnummer_miss(rng):
    if rng.random() < 0.5:
        s9, k1, k2 = fnr_body(rng)
        return fnr_fmt(rng, s9 + str(k1) + other_digit(rng, str(k2)))
    s9, k1, k2 = fnr_body(rng, good_date=False)
    return fnr_fmt(rng, s9 + str(k1) + str(k2))


# --------------------------------------------------------------------------------------------
# Belgium, Austria, Portugal, Ireland, Switzerland, Romania


def be_nn_value(rng, good=True):
    d = birth(rng, 1930, 2023)
    month = d.month
    if rng.random() < 0.1:
        month += rng.choice([20, 40])  # BIS numbers
    s9 = "%02d%02d%02d%03d" % (d.year % 100, month, d.day, rng.randint(1, 997))
    base = int(("2" if d.year >= 2000 else "") + s9)
    c = 97 - base % 97
    if not good:
        if rng.random() < 0.5:
            c = 97 - (c + rng.randint(1, 50)) % 97
            alt = 97 - int(("" if d.year >= 2000 else "2") + s9) % 97
            if c == alt or c == 97 - base % 97:
                c = 0
        else:
            m, day = bad_day(rng)
            m = 13 if m in (0, 13) else m
            s9 = "%02d%02d%02d%03d" % (d.year % 100, m, day, rng.randint(1, 997))
            c = 97 - int(s9) % 97
    s = s9 + "%02d" % c
    return either(rng, s, f"{s[:2]}.{s[2:4]}.{s[4:6]}-{s[6:9]}.{s[9:]}", f"{s[:6]} {s[6:9]} {s[9:]}")


def be_national_number(rng):
    return be_nn_value(rng)


def be_national_number_miss(rng):
    return be_nn_value(rng, good=False)


def svnr_value(rng, good=True):
    while True:
        d = birth(rng)
        serial = dg(rng, 3, "123456789")
        month = d.month if rng.random() < 0.95 else rng.randint(13, 15)
        date = "%02d%02d%02d" % (d.day, month, d.year % 100)
        c = weighted(serial + "0" + date, (3, 7, 9, 0, 5, 8, 4, 2, 1, 6)) % 11
        if c != 10:
            break
    if not good:
        c = int(other_digit(rng, str(c)))
    s = serial + str(c) + date
    return either(rng, s, s[:4] + " " + s[4:])


@ctx("SVNR: ")
def at_svnr(rng):
    return svnr_value(rng)


@ctx("SVNR: ")
def at_svnr_miss(rng):
    return svnr_value(rng, good=False)


def pt_nif_value(rng, good=True):
    b = rng.choice(["1", "2", "3", "5", "6", "8", "9", "45"])
    b += dg(rng, 8 - len(b))
    c = 11 - weighted(b, range(9, 1, -1)) % 11
    c = 0 if c >= 10 else c
    if not good:
        c = int(other_digit(rng, str(c)))
    return b + str(c)


@ctx("NIF: ")
def pt_nif(rng):
    s = pt_nif_value(rng)
    return either(rng, s, f"{s[:3]} {s[3:6]} {s[6:]}")


@ctx("NIF: ")
def pt_nif_miss(rng):
    return pt_nif_value(rng, good=False)


PPSN_CHECK = "WABCDEFGHIJKLMNOPQRSTUV"


def ppsn_value(rng, good=True):
    n = dg(rng, 7)
    second = rng.choice(["", "", "A", "B", "H", "W"])
    total = weighted(n, range(8, 1, -1)) + (9 * (ord(second) - 64) if second not in ("", "W") else 0)
    c = PPSN_CHECK[total % 23]
    if not good:
        c = other(rng, c, PPSN_CHECK)
    return n + c + second


@ctx("PPS number: ")
def ie_ppsn(rng):
    return ppsn_value(rng)


@ctx("PPS number: ")
def ie_ppsn_miss(rng):
    return ppsn_value(rng, good=False)


def ean_digit(body: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return str((10 - total % 10) % 10)


def ch_ahv(rng):
    b = "756" + dg(rng, 9)
    s = b + ean_digit(b)
    return either(rng, s, f"{s[:3]}.{s[3:7]}.{s[7:11]}.{s[11:]}")


def ch_ahv_miss(rng):
    b = "756" + dg(rng, 9)
    s = b + other_digit(rng, ean_digit(b))
    return f"{s[:3]}.{s[3:7]}.{s[7:11]}.{s[11:]}"


def cnp_digit(s12: str) -> str:
    c = weighted(s12, (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)) % 11
    return "1" if c == 10 else str(c)


def ro_cnp_body(rng, good_date=True):
    d = birth(rng, 1930, 2023)
    sex = rng.choice("12") if d.year < 2000 else rng.choice("56")
    m, day = (d.month, d.day) if good_date else bad_day(rng)
    county = "%02d" % rng.choice(list(range(1, 53)) + [70])
    return sex + "%02d%02d%02d" % (d.year % 100, m, day) + county + dg(rng, 3)


def ro_cnp(rng):
    b = ro_cnp_body(rng)
    return b + cnp_digit(b)


def ro_cnp_miss(rng):
    if rng.random() < 0.5:
        b = ro_cnp_body(rng)
        return b + other_digit(rng, cnp_digit(b))
    b = ro_cnp_body(rng, good_date=False)
    return b + cnp_digit(b)


# --------------------------------------------------------------------------------------------
# India, Canada, Australia, New Zealand


# the multiplication table of the dihedral group D5 (Verhoeff 1969)
V_MUL = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
V_PERM1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]


def v_perm(i: int, d: int) -> int:
    for _ in range(i % 8):
        d = V_PERM1[d]
    return d


def verhoeff_digit(body: str) -> str:
    inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = V_MUL[c][v_perm(i + 1, int(ch))]
    return str(inv[c])


def aadhaar_fmt(rng, s):
    return either(rng, s, f"{s[:4]} {s[4:8]} {s[8:]}", f"{s[:4]}-{s[4:8]}-{s[8:]}")


@ctx("Aadhaar: ")
def in_aadhaar(rng):
    while True:
        b = dg(rng, 11, "23456789")
        s = b + verhoeff_digit(b)
        if s != s[::-1]:
            return aadhaar_fmt(rng, s)


@ctx("Aadhaar: ")
def in_aadhaar_miss(rng):
    b = dg(rng, 11, "23456789")
    return aadhaar_fmt(rng, b + other_digit(rng, verhoeff_digit(b)))


PAN_TYPES = "ABCEFGHJLPT"


@ctx("PAN: ")
def in_pan(rng):
    return letters(rng, 3) + rng.choice(PAN_TYPES) + letters(rng, 1) + dg(rng, 4, "123456789") \
        + letters(rng, 1)


@ctx("PAN: ")
def in_pan_miss(rng):
    # a holder type letter that is not issued, or serial 0000
    if rng.random() < 0.5:
        return letters(rng, 3) + rng.choice("DIKMNOQRSUVWXYZ") + letters(rng, 1) + dg(rng, 4) \
            + letters(rng, 1)
    return letters(rng, 3) + rng.choice(PAN_TYPES) + letters(rng, 1) + "0000" + letters(rng, 1)


def sin_fmt(rng, s):
    return either(rng, s, f"{s[:3]} {s[3:6]} {s[6:]}", f"{s[:3]}-{s[3:6]}-{s[6:]}")


@ctx("SIN: ")
def ca_sin(rng):
    b = dg(rng, 8, "1234567")
    return sin_fmt(rng, b + luhn_digit(b))


@ctx("SIN: ")
def ca_sin_miss(rng):
    if rng.random() < 0.5:
        b = dg(rng, 8, "1234567")
        return sin_fmt(rng, b + other_digit(rng, luhn_digit(b)))
    b = dg(rng, 8, "08")
    return sin_fmt(rng, b + luhn_digit(b))


TFN_W = (1, 4, 3, 7, 5, 8, 6, 9, 10)


def tfn_value(rng, good=True):
    while True:
        b = dg(rng, 8)
        # the last weight is 10: find the digit d with (sum + 10 d) % 11 == 0
        total = weighted(b, TFN_W)
        ds = [d for d in range(10) if (total + 10 * d) % 11 == 0]
        if ds:
            d = ds[0]
            if not good:
                d = int(other_digit(rng, str(d)))
            return b + str(d)


@ctx("TFN: ")
def au_tfn(rng):
    s = tfn_value(rng)
    return either(rng, s, f"{s[:3]} {s[3:6]} {s[6:]}")


@ctx("TFN: ")
def au_tfn_miss(rng):
    s = tfn_value(rng, good=False)
    return f"{s[:3]} {s[3:6]} {s[6:]}"


ABN_W = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)


def abn_value(rng, good=True):
    # ATO: subtract 1 from the first digit; the weighted sum is a multiple of 89. Choose the
    # nine digits after the two leading ones, then the two leading digits that make it so.
    while True:
        rest = dg(rng, 9)
        total = sum(int(c) * w for c, w in zip(rest, ABN_W[2:]))
        cands = [(a, b) for a in range(1, 10) for b in range(10)
                 if ((a - 1) * 10 + b + total) % 89 == 0]
        if cands:
            a, b = rng.choice(cands)
            s = f"{a}{b}{rest}"
            if not good:
                s = s[:10] + other_digit(rng, s[10])
            return s


@ctx("ABN: ")
def au_abn(rng):
    s = abn_value(rng)
    return either(rng, s, f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}")


@ctx("ABN: ")
def au_abn_miss(rng):
    s = abn_value(rng, good=False)
    return f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"


def medicare_value(rng, good=True):
    b = dg(rng, 8, "23456")
    c = weighted(b, (1, 3, 7, 9, 1, 3, 7, 9)) % 10
    if not good:
        c = int(other_digit(rng, str(c)))
    s = b + str(c) + str(rng.randint(1, 9))
    return either(rng, s, f"{s[:4]} {s[4:9]} {s[9]}")


@ctx("Medicare card: ")
def au_medicare(rng):
    return medicare_value(rng)


@ctx("Medicare card: ")
def au_medicare_miss(rng):
    return medicare_value(rng, good=False)


def ird_digit(body8: str):
    for w in ((3, 2, 7, 6, 5, 4, 3, 2), (7, 4, 3, 2, 5, 2, 7, 6)):
        r = weighted(body8, w) % 11
        c = 0 if r == 0 else 11 - r
        if c != 10:
            return c
    return None


def ird_value(rng, good=True):
    while True:
        n = rng.randint(1_000_001, 14_999_999)
        body = "%08d" % n
        c = ird_digit(body)
        if c is None:
            continue
        if not good:
            c = int(other_digit(rng, str(c)))
        s = (body + str(c)).lstrip("0")
        if len(s) == 8:
            return either(rng, s, f"{s[:2]}-{s[2:5]}-{s[5:]}")
        return either(rng, s, f"{s[:3]}-{s[3:6]}-{s[6:]}")


@ctx("IRD number: ")
def nz_ird(rng):
    return ird_value(rng)


@ctx("IRD number: ")
def nz_ird_miss(rng):
    return ird_value(rng, good=False)


# --------------------------------------------------------------------------------------------
# East Asia


RRN_W = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_value(rng, good=True):
    d = birth(rng, 1930, 2019)
    g = rng.choice("1256") if d.year < 2000 else rng.choice("3478")
    b = "%02d%02d%02d" % (d.year % 100, d.month, d.day) + g + dg(rng, 5)
    c = (11 - weighted(b, RRN_W) % 11) % 10
    if not good:
        c = int(other_digit(rng, str(c)))
    s = b + str(c)
    return either(rng, s[:6] + "-" + s[6:], s)


def kr_rrn(rng):
    return rrn_value(rng)


def kr_rrn_miss(rng):
    return rrn_value(rng, good=False)


def nric_value(rng, good=True):
    p = rng.choice("STFGM")
    n = dg(rng, 7)
    t = weighted(n, (2, 7, 6, 5, 4, 3, 2))
    if p == "M":
        # M series (2022): P = 11 - ((sum + 3) mod 11), letters K L J N P Q R T U W X for 1..11
        c = "KLJNPQRTUWX"[11 - (t + 3) % 11 - 1]
    else:
        t += 4 if p in "TG" else 0
        c = ("JZIHGFEDCBA" if p in "ST" else "XWUTRQPNMLK")[t % 11]
    if not good:
        c = other(rng, c, UPPER)
    return p + n + c


def sg_nric(rng):
    return nric_value(rng)


def sg_nric_miss(rng):
    return nric_value(rng, good=False)


def cn_digit(b17: str) -> str:
    w = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(c) * x for c, x in zip(b17, w)) % 11]


def cn_body(rng, good_date=True):
    d = birth(rng, 1930, 2023)
    area = rng.choice("12345678") + dg(rng, 5)
    m, day = (d.month, d.day) if good_date else bad_day(rng)
    return area + "%04d%02d%02d" % (d.year, m, day) + dg(rng, 3)


def cn_resident_id(rng):
    b = cn_body(rng)
    return b + cn_digit(b)


def cn_resident_id_miss(rng):
    if rng.random() < 0.5:
        b = cn_body(rng)
        return b + other(rng, cn_digit(b), "0123456789X")
    b = cn_body(rng, good_date=False)
    return b + cn_digit(b)


def my_number_digit(b11: str) -> str:
    total = 0
    for n in range(1, 12):
        q = n + 1 if n <= 6 else n - 5
        total += int(b11[11 - n]) * q
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


@ctx("My Number: ")
def jp_my_number(rng):
    b = dg(rng, 11)
    s = b + my_number_digit(b)
    return either(rng, s, f"{s[:4]} {s[4:8]} {s[8:]}", f"{s[:4]}-{s[4:8]}-{s[8:]}")


@ctx("My Number: ")
def jp_my_number_miss(rng):
    b = dg(rng, 11)
    s = b + other_digit(rng, my_number_digit(b))
    return f"{s[:4]} {s[4:8]} {s[8:]}"


# --------------------------------------------------------------------------------------------
# Turkey, Israel, South Africa


def tckn_value(rng, good=True):
    b = dg(rng, 9, "123456789")
    d = [int(c) for c in b]
    c1 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    c2 = (sum(d) + c1) % 10
    if not good:
        c2 = int(other_digit(rng, str(c2)))
    return b + str(c1) + str(c2)


@ctx("T.C. Kimlik No: ")
def tr_tckn(rng):
    return tckn_value(rng)


@ctx("T.C. Kimlik No: ")
def tr_tckn_miss(rng):
    return tckn_value(rng, good=False)


def zehut_digit(b8: str) -> str:
    total = 0
    for i, c in enumerate(b8):
        p = int(c) * (1 if i % 2 == 0 else 2)
        total += p // 10 + p % 10
    return str((10 - total % 10) % 10)


@ctx("Teudat Zehut: ")
def il_teudat_zehut(rng):
    b = dg(rng, 8)
    return b + zehut_digit(b)


@ctx("Teudat Zehut: ")
def il_teudat_zehut_miss(rng):
    b = dg(rng, 8)
    return b + other_digit(rng, zehut_digit(b))


def za_body(rng, good_date=True):
    d = birth(rng, 1930, 2019)
    m, day = (d.month, d.day) if good_date else bad_day(rng)
    return "%02d%02d%02d" % (d.year % 100, m, day) + dg(rng, 4) + rng.choice("012") \
        + rng.choice("89")


def za_id(rng):
    b = za_body(rng)
    s = b + luhn_digit(b)
    return either(rng, s, f"{s[:6]} {s[6:10]} {s[10:]}")


def za_id_miss(rng):
    if rng.random() < 0.5:
        b = za_body(rng)
        return b + other_digit(rng, luhn_digit(b))
    b = za_body(rng, good_date=False)
    return b + luhn_digit(b)


# --------------------------------------------------------------------------------------------
# Latin America


def cpf_digits(b9: str) -> str:
    r1 = sum(int(c) * w for c, w in zip(b9, range(10, 1, -1))) % 11
    c1 = 0 if r1 < 2 else 11 - r1
    r2 = sum(int(c) * w for c, w in zip(b9 + str(c1), range(11, 1, -1))) % 11
    c2 = 0 if r2 < 2 else 11 - r2
    return f"{c1}{c2}"


def cpf_fmt(rng, s):
    return either(rng, s, f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}")


def br_cpf(rng):
    b = dg(rng, 9)
    return cpf_fmt(rng, b + cpf_digits(b))


def br_cpf_miss(rng):
    b = dg(rng, 9)
    c = cpf_digits(b)
    return cpf_fmt(rng, b + c[0] + other_digit(rng, c[1]))


def cnpj_digits(b12: str) -> str:
    vals = [ord(c) - 48 for c in b12]  # Receita Federal: ASCII code minus 48 (A = 17)
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    r1 = sum(v * w for v, w in zip(vals, w1)) % 11
    c1 = 0 if r1 < 2 else 11 - r1
    r2 = sum(v * w for v, w in zip(vals + [c1], [6] + w1)) % 11
    c2 = 0 if r2 < 2 else 11 - r2
    return f"{c1}{c2}"


def cnpj_body(rng):
    if rng.random() < 0.3:  # alphanumeric CNPJ (IN RFB 2.229/2024)
        return letters(rng, 8, UPPER + DIGITS) + letters(rng, 4, UPPER + DIGITS)
    return dg(rng, 8) + rng.choice(["0001", "0002", dg(rng, 4)])


def cnpj_fmt(rng, s):
    punctuated = f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"
    # an alphanumeric CNPJ is matched punctuated only: 12 capitals and digits + 2 digits alone
    # would be too common a shape
    return either(rng, s, punctuated) if s.isdigit() else punctuated


def br_cnpj(rng):
    b = cnpj_body(rng)
    return cnpj_fmt(rng, b + cnpj_digits(b))


def br_cnpj_miss(rng):
    b = cnpj_body(rng)
    c = cnpj_digits(b)
    return cnpj_fmt(rng, b + other_digit(rng, c[0]) + c[1])


CURP_STATES = ("AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC "
               "TS TL VZ YN ZS NE").split()
CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
CURP_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"


def curp_digit(b17: str) -> str:
    total = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(b17))
    return str((10 - total % 10) % 10)


def curp_body(rng, good_date=True):
    d = birth(rng, 1930, 2023)
    m, day = (d.month, d.day) if good_date else rng.choice([(2, 30), (2, 31), (4, 31), (6, 31)])
    homo = rng.choice(DIGITS) if d.year < 2000 else rng.choice(UPPER)
    return (rng.choice(UPPER) + rng.choice("AEIOUX") + letters(rng, 2)
            + "%02d%02d%02d" % (d.year % 100, m, day) + rng.choice("HM")
            + rng.choice(CURP_STATES) + letters(rng, 3, CONSONANTS) + homo)


def mx_curp(rng):
    b = curp_body(rng)
    return b + curp_digit(b)


def mx_curp_miss(rng):
    if rng.random() < 0.5:
        b = curp_body(rng)
        return b + other_digit(rng, curp_digit(b))
    b = curp_body(rng, good_date=False)
    return b + curp_digit(b)


RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ "


def rfc_digit(body: str) -> str:
    body = body.rjust(12)
    total = sum(RFC_ALPHABET.index(c) * (13 - i) for i, c in enumerate(body))
    return "0123456789A"[(11 - total % 11) % 11]


def rfc_body(rng, good_date=True):
    d = birth(rng, 1930, 2023)
    m, day = (d.month, d.day) if good_date else rng.choice([(2, 30), (4, 31), (6, 31), (9, 31)])
    name = letters(rng, rng.choice([3, 4]))
    if len(name) == 3 and rng.random() < 0.2:
        name = name[0] + "&" + name[2]
    return name + "%02d%02d%02d" % (d.year % 100, m, day) + letters(rng, 2, UPPER[:22] + DIGITS[1:])


def rfc_fmt(rng, s):
    n = len(s) - 9
    return either(rng, s, f"{s[:n]}-{s[n:n + 6]}-{s[n + 6:]}")


def mx_rfc(rng):
    b = rfc_body(rng)
    return rfc_fmt(rng, b + rfc_digit(b))


def mx_rfc_miss(rng):
    if rng.random() < 0.5:
        b = rfc_body(rng)
        return rfc_fmt(rng, b + other(rng, rfc_digit(b), "0123456789A"))
    b = rfc_body(rng, good_date=False)
    return rfc_fmt(rng, b + rfc_digit(b))


def rut_digit(body: str) -> str:
    total = sum(int(c) * (2 + i % 6) for i, c in enumerate(reversed(body)))
    c = 11 - total % 11
    return {11: "0", 10: "K"}.get(c, str(c))


def rut_fmt(rng, body, c):
    dotted = f"{int(body):,}".replace(",", ".")
    return either(rng, f"{dotted}-{c}", f"{body}-{c}")


def cl_rut(rng):
    body = str(rng.randint(1_000_000, 29_999_999))
    return rut_fmt(rng, body, rut_digit(body))


def cl_rut_miss(rng):
    body = str(rng.randint(1_000_000, 29_999_999))
    return rut_fmt(rng, body, other(rng, rut_digit(body), "0123456789K"))


# --------------------------------------------------------------------------------------------
# United States


ITIN_GROUPS = [g for g in range(100) if 50 <= g <= 65 or 70 <= g <= 88 or 90 <= g <= 92
               or 94 <= g <= 99]


@ctx("ITIN: ")
def us_itin(rng):
    s = "9" + dg(rng, 2) + "%02d" % rng.choice(ITIN_GROUPS) + dg(rng, 4)
    return either(rng, f"{s[:3]}-{s[3:5]}-{s[5:]}", s)


@ctx("ITIN: ")
def us_itin_miss(rng):
    g = rng.choice([x for x in range(100) if x not in ITIN_GROUPS])
    s = "9" + dg(rng, 2) + "%02d" % g + dg(rng, 4)
    return f"{s[:3]}-{s[3:5]}-{s[5:]}"


MBI_A = "ACDEFGHJKMNPQRTUVWXY"
MBI_AN = MBI_A + DIGITS


def us_mbi(rng):
    c = [rng.choice("123456789"), rng.choice(MBI_A), rng.choice(MBI_AN), rng.choice(DIGITS),
         rng.choice(MBI_A), rng.choice(MBI_AN), rng.choice(DIGITS), rng.choice(MBI_A),
         rng.choice(MBI_A), rng.choice(DIGITS), rng.choice(DIGITS)]
    s = "".join(c)
    return either(rng, s, f"{s[:4]}-{s[4:7]}-{s[7:]}")


def us_mbi_miss(rng):
    s = list(us_mbi(rng).replace("-", ""))
    # a letter CMS never uses (S, L, O, I, B, Z) where a letter stands
    s[rng.choice([1, 4, 7, 8])] = rng.choice("SLOIBZ")
    return "".join(s)


@ctx("NPI: ")
def us_npi(rng):
    b = dg(rng, 9, "12")
    return b + luhn_digit("80840" + b)


@ctx("NPI: ")
def us_npi_miss(rng):
    b = dg(rng, 9, "12")
    return b + other_digit(rng, luhn_digit("80840" + b))


def passport_value(rng):
    return either(rng, dg(rng, 9, "123456789"), rng.choice(UPPER) + dg(rng, 8))


@ctx("passport no. ")
def us_passport(rng):
    return passport_value(rng)


def us_passport_miss(rng):
    return ("order ", passport_value(rng), " shipped")


# --------------------------------------------------------------------------------------------
# Financial


def aba_value(rng, good=True):
    prefix = "%02d" % rng.choice(list(range(0, 13)) + list(range(21, 33)) + list(range(61, 73)) + [80])
    b = prefix + dg(rng, 6)
    total = weighted(b, (3, 7, 1, 3, 7, 1, 3, 7))
    c = (10 - total % 10) % 10
    if not good:
        c = int(other_digit(rng, str(c)))
    return b + str(c)


@ctx("routing number: ")
def aba_routing_number(rng):
    return aba_value(rng)


@ctx("routing number: ")
def aba_routing_number_miss(rng):
    return aba_value(rng, good=False)


BIC_COUNTRIES = ("DE FR GB US NL BE IT ES CH AT SE NO DK FI PL PT IE JP CN IN BR MX CA AU ZA SG "
                 "HK KR TR IL LU").split()


def bic_value(rng, country=None):
    loc = rng.choice(UPPER + DIGITS) + rng.choice(UPPER[:25] + DIGITS[1:])
    branch = rng.choice(["", "XXX", letters(rng, 3, UPPER + DIGITS)])
    return letters(rng, 4) + (country or rng.choice(BIC_COUNTRIES)) + loc + branch


@ctx("SWIFT/BIC: ")
def swift_bic(rng):
    return bic_value(rng)


@ctx("SWIFT/BIC: ")
def swift_bic_miss(rng):
    return bic_value(rng, country=rng.choice(["QQ", "XX", "ZZ", "AA", "OO", "UK"]))


def vat(prefix, body_fn, fmt=None):
    """(hit, near_miss) for a VAT number: body_fn(rng, good) returns the national part."""
    def hit(rng):
        b = body_fn(rng, True)
        return prefix + rng.choice(["", " "]) + (fmt(rng, b) if fmt else b)

    def miss(rng):
        return prefix + body_fn(rng, False)
    return hit, miss


def de_vat_body(rng, good):
    b = dg(rng, 8, "123456789")
    c = mod11_10_digit(b)
    return b + (c if good else other_digit(rng, c))


def fr_vat_body(rng, good):
    while True:
        b = dg(rng, 8, "123456789")
        siren = b + luhn_digit(b)
        key = (int(siren) * 100 + 12) % 97
        if good:
            return "%02d" % key + siren
        bad = (key + rng.randint(1, 96)) % 97
        return "%02d" % bad + siren


def it_vat_body(rng, good):
    b = dg(rng, 7, "0123456789") + "%03d" % rng.choice(list(range(1, 101)) + [120, 121, 888, 999])
    if int(b[:7]) == 0:
        b = "1" + b[1:]
    c = luhn_digit(b)
    return b + (c if good else other_digit(rng, c))


def es_cif_control(letter, digits7):
    total = 0
    for i, c in enumerate(digits7):
        n = int(c)
        if i % 2 == 0:
            n = sum(map(int, str(2 * n)))
        total += n
    d = (10 - total % 10) % 10
    if letter in "ABEH":
        return str(d)
    if letter in "PQSNW":
        return "JABCDEFGHI"[d]
    # C, D, F, G, J, R, U, V take either: the digit for odd ASCII codes, else the letter
    return str(d) if ord(letter) % 2 else "JABCDEFGHI"[d]


def es_vat_body(rng, good):
    kind = rng.randint(0, 2)
    if kind == 0:
        n = dg(rng, 8)
        c = DNI_LETTERS[int(n) % 23]
        return n + (c if good else other(rng, c, DNI_LETTERS))
    if kind == 1:
        p, n = rng.choice("XYZ"), dg(rng, 7)
        c = DNI_LETTERS[int(str("XYZ".index(p)) + n) % 23]
        return p + n + (c if good else other(rng, c, DNI_LETTERS))
    if rng.random() < 0.2:  # K, L, M: natural persons without DNI/NIE, DNI letter on 7 digits
        p, n = rng.choice("KLM"), dg(rng, 7)
        c = DNI_LETTERS[int(n) % 23]
        return p + n + (c if good else other(rng, c, DNI_LETTERS))
    letter = rng.choice("ABCDEFGHJNPQRSUVW")
    n = dg(rng, 7)
    c = es_cif_control(letter, n)
    if not good:
        c = other(rng, c, DIGITS if c.isdigit() else "JABCDEFGHI")
    return letter + n + c


def nl_vat_body(rng, good):
    if rng.random() < 0.5:
        b, c = bsn_body(rng)
        s = b + (str(c) if good else other_digit(rng, str(c)))
        suffix = "%02d" % rng.randint(1, 99)
        if not good:
            # make sure the MOD 97 rule does not hold by accident
            full = "NL" + s + "B" + suffix
            if int("".join(str(int(ch, 36)) for ch in full)) % 97 == 1:
                suffix = "%02d" % (int(suffix) % 99 + 1)
        return s + "B" + suffix
    # numbers since 2020 (sole traders): ISO 7064 MOD 97-10 over NL + number
    while True:
        s = dg(rng, 9)
        body = "NL" + s + "B"
        num = int("".join(str(int(ch, 36)) for ch in body))
        cc = 98 - (num * 100) % 97
        if 1 <= cc <= 99 and good:
            return s + "B" + "%02d" % cc
        if not good:
            bad = (cc + rng.randint(1, 50)) % 97 + 1
            full = body + "%02d" % bad
            eleven = (sum(int(s[i]) * (9 - i) for i in range(8)) - int(s[8])) % 11 == 0
            if not eleven and int("".join(str(int(ch, 36)) for ch in full)) % 97 != 1:
                return s + "B" + "%02d" % bad


def be_vat_body(rng, good):
    b = rng.choice("01") + dg(rng, 7)
    if b[0] == "0" and b[1] == "0":
        b = "0" + rng.choice("123456789") + b[2:]
    c = 97 - int(b) % 97
    if not good:
        c = (c % 97) + 1
    s = b + "%02d" % c
    return rng.choice([s, f"{s[:4]}.{s[4:7]}.{s[7:]}"])


def pl_vat_body(rng, good):
    b, c = nip_body(rng)
    return b + (str(c) if good else other_digit(rng, str(c)))


def at_vat_body(rng, good):
    b = dg(rng, 7)
    total = 0
    for i, ch in enumerate(b):
        n = int(ch) * (2 if i % 2 else 1)
        total += n // 10 + n % 10
    c = str((10 - (total + 4) % 10) % 10)
    return b + (c if good else other_digit(rng, c))


def pt_vat_body(rng, good):
    return pt_nif_value(rng, good)


def dk_vat_body(rng, good):
    while True:
        b = dg(rng, 7, "123456789")
        total = weighted(b, (2, 7, 6, 5, 4, 3, 2))
        c = (-total) % 11
        if c < 10:
            return b + (str(c) if good else other_digit(rng, str(c)))


def fi_vat_body(rng, good):
    while True:
        b = dg(rng, 7)
        r = weighted(b, (7, 9, 10, 5, 8, 4, 2)) % 11
        if r == 1:
            continue
        c = str(0 if r == 0 else 11 - r)
        return b + (c if good else other_digit(rng, c))


def se_vat_body(rng, good):
    b = rng.choice("25789") + dg(rng, 8)
    c = luhn_digit(b)
    return b + (c if good else other_digit(rng, c)) + "01"


def lu_vat_body(rng, good):
    b = dg(rng, 6, "123456789")
    c = int(b) % 89
    if not good:
        c = (c + rng.randint(1, 88)) % 89
    return b + "%02d" % c


def gb_vat_body(rng, good):
    while True:
        b = dg(rng, 7, "123456789")
        total = weighted(b, (8, 7, 6, 5, 4, 3, 2))
        # the last two digits: total + 10 d1 + d2 == 0 (mod 97), or 42 (9755 numbers)
        target = rng.choice([0, 42]) if int(b[:3]) >= 100 else 0
        cc = (target - total) % 97
        if cc > 99 or cc // 10 > 9:
            continue
        d1, d2 = divmod(cc, 10)
        # 10 d1 + d2 == cc, the weights being 10 and 1
        s = b + f"{d1}{d2}"
        if not good:
            bad = s[:8] + other_digit(rng, s[8])
            t = weighted(bad, (8, 7, 6, 5, 4, 3, 2, 10, 1)) % 97
            if t in (0, 42, 55):
                continue
            s = bad
        branch = rng.choice(["", "", " " + dg(rng, 3)]) if good else ""
        return f"{s[:3]} {s[3:7]} {s[7:]}{branch}" if rng.random() < 0.5 else s + branch.strip()


def clabe_value(rng, good=True):
    b = dg(rng, 17)
    total = sum(int(c) * w % 10 for c, w in zip(b, (3, 7, 1) * 6))
    c = str((10 - total % 10) % 10)
    return b + (c if good else other_digit(rng, c))


@ctx("CLABE: ")
def mx_clabe(rng):
    s = clabe_value(rng)
    return either(rng, s, f"{s[:3]} {s[3:6]} {s[6:17]} {s[17]}")


@ctx("CLABE: ")
def mx_clabe_miss(rng):
    return clabe_value(rng, good=False)


def cbu_value(rng, good=True):
    def chk(part):
        ws = (3, 1, 7, 9)
        total = sum(int(c) * ws[i % 4] for i, c in enumerate(reversed(part)))
        return str((10 - total % 10) % 10)
    b1 = dg(rng, 7)
    b2 = dg(rng, 13)
    c2 = chk(b2)
    if not good:
        c2 = other_digit(rng, c2)
    return b1 + chk(b1) + b2 + c2


@ctx("CBU: ")
def ar_cbu(rng):
    s = cbu_value(rng)
    return either(rng, s, s[:8] + " " + s[8:])


@ctx("CBU: ")
def ar_cbu_miss(rng):
    return cbu_value(rng, good=False)


def sort_code_account(rng):
    sc = dg(rng, 6)
    sep = rng.choice(["-", " "])
    return f"{sc[:2]}{sep}{sc[2:4]}{sep}{sc[4:]}" + rng.choice([" ", ", ", " / "]) + dg(rng, 8)


def uk_sort_code_account(rng):
    return ("sort code and account: ", sort_code_account(rng), "")


def uk_sort_code_account_miss(rng):
    return ("version ", sort_code_account(rng), " released")


def ifsc_value(rng):
    return letters(rng, 4) + "0" + letters(rng, 6, UPPER + DIGITS)


def in_ifsc(rng):
    return ("IFSC: ", ifsc_value(rng), "")


def in_ifsc_miss(rng):
    return ("part ", ifsc_value(rng), " in stock")


# --------------------------------------------------------------------------------------------


CASES = {
    "uk_nino": (uk_nino, uk_nino_miss),
    "uk_nhs_number": (uk_nhs, uk_nhs_miss),
    "de_steuer_id": (de_steuer_id, de_steuer_id_miss),
    "de_personalausweis": (de_personalausweis, de_personalausweis_miss),
    "de_rvnr": (de_rvnr, de_rvnr_miss),
    "fr_nir": (fr_nir, fr_nir_miss),
    "fr_nif": (fr_nif, fr_nif_miss),
    "es_dni": (es_dni, es_dni_miss),
    "es_nie": (es_nie, es_nie_miss),
    "es_nss": (es_nss, es_nss_miss),
    "it_codice_fiscale": (it_codice_fiscale, it_codice_fiscale_miss),
    "nl_bsn": (nl_bsn, nl_bsn_miss),
    "pl_pesel": (pl_pesel, pl_pesel_miss),
    "pl_nip": (pl_nip, pl_nip_miss),
    "pl_id_card": (pl_id_card, pl_id_card_miss),
    "se_personnummer": (se_personnummer, se_personnummer_miss),
    "fi_hetu": (fi_hetu, fi_hetu_miss),
    "dk_cpr": (dk_cpr, dk_cpr_miss),
    "no_fodselsnummer": (no_fodselsnummer, no_fodselsnummer_miss),
    "be_national_number": (be_national_number, be_national_number_miss),
    "at_svnr": (at_svnr, at_svnr_miss),
    "pt_nif": (pt_nif, pt_nif_miss),
    "ie_ppsn": (ie_ppsn, ie_ppsn_miss),
    "ch_ahv": (ch_ahv, ch_ahv_miss),
    "ro_cnp": (ro_cnp, ro_cnp_miss),
    "in_aadhaar": (in_aadhaar, in_aadhaar_miss),
    "in_pan": (in_pan, in_pan_miss),
    "ca_sin": (ca_sin, ca_sin_miss),
    "au_tfn": (au_tfn, au_tfn_miss),
    "au_abn": (au_abn, au_abn_miss),
    "au_medicare": (au_medicare, au_medicare_miss),
    "nz_ird": (nz_ird, nz_ird_miss),
    "kr_rrn": (kr_rrn, kr_rrn_miss),
    "sg_nric": (sg_nric, sg_nric_miss),
    "cn_resident_id": (cn_resident_id, cn_resident_id_miss),
    "jp_my_number": (jp_my_number, jp_my_number_miss),
    "tr_tckn": (tr_tckn, tr_tckn_miss),
    "il_teudat_zehut": (il_teudat_zehut, il_teudat_zehut_miss),
    "za_id": (za_id, za_id_miss),
    "br_cpf": (br_cpf, br_cpf_miss),
    "br_cnpj": (br_cnpj, br_cnpj_miss),
    "mx_curp": (mx_curp, mx_curp_miss),
    "mx_rfc": (mx_rfc, mx_rfc_miss),
    "cl_rut": (cl_rut, cl_rut_miss),
    "us_itin": (us_itin, us_itin_miss),
    "us_mbi": (us_mbi, us_mbi_miss),
    "us_npi": (us_npi, us_npi_miss),
    "us_passport": (us_passport, us_passport_miss),
    # financial.toml
    "aba_routing_number": (aba_routing_number, aba_routing_number_miss),
    "swift_bic": (swift_bic, swift_bic_miss),
    "de_vat_number": vat("DE", de_vat_body),
    "fr_vat_number": vat("FR", fr_vat_body),
    "it_vat_number": vat("IT", it_vat_body),
    "es_vat_number": vat("ES", es_vat_body),
    "nl_vat_number": vat("NL", nl_vat_body),
    "be_vat_number": vat("BE", be_vat_body),
    "pl_vat_number": vat("PL", pl_vat_body),
    "at_vat_number": vat("ATU", at_vat_body),
    "pt_vat_number": vat("PT", pt_vat_body),
    "dk_vat_number": vat("DK", dk_vat_body),
    "fi_vat_number": vat("FI", fi_vat_body),
    "se_vat_number": vat("SE", se_vat_body),
    "lu_vat_number": vat("LU", lu_vat_body),
    "gb_vat_number": vat("GB", gb_vat_body),
    "uk_sort_code_account": (uk_sort_code_account, uk_sort_code_account_miss),
    "in_ifsc": (in_ifsc, in_ifsc_miss),
    "mx_clabe": (mx_clabe, mx_clabe_miss),
    "ar_cbu": (ar_cbu, ar_cbu_miss),
}


# --------------------------------------------------------------------------------------------
# Near misses that another entry of these files accepts are drawn again

_HERE = pathlib.Path(__file__).resolve()
_OTHERS: list = []


def _others():
    """(check_national module, [(entry, compiled pattern)]) for national_id.toml and
    financial.toml, loaded once; the Python validators of tests/catalog/check_national.py."""
    if not _OTHERS:
        spec = importlib.util.spec_from_file_location(
            "catalog_check_national_for_gen", _HERE.parents[1] / "check_national.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        entries = []
        for f in ("national_id.toml", "financial.toml"):
            with open(_HERE.parents[3] / "core" / "catalog" / f, "rb") as fh:
                for e in tomllib.load(fh)["detector"]:
                    entries.append((e, re.compile(e["pattern"], re.ASCII)))
        _OTHERS.extend([mod, entries])
    return _OTHERS


def _accepted_by_another(name: str, text: str) -> bool:
    mod, entries = _others()
    return any(mod.findings(e, rx, text) for e, rx in entries if e["name"] != name)


def _redraw(name, miss):
    """`miss`, drawn again (up to 100 times) while another entry would mask the value."""
    def inner(rng):
        for _ in range(100):
            x = miss(rng)
            b, v, a = x if isinstance(x, tuple) else ("", x, "")
            texts = (b + v + a, v, f"Please check {b}{v}{a} before Friday.")
            if not any(_accepted_by_another(name, t) for t in texts):
                break
        return x
    return inner


CASES = {name: (hit, _redraw(name, miss)) for name, (hit, miss) in CASES.items()}


# Numbers that a timestamp can spell (10-digit epoch seconds, 13-digit epoch milliseconds) are
# found only with a context word: their hits carry one.
def _with_context(word, gen):
    def hit(rng):
        value = gen(rng)
        return value if isinstance(value, tuple) else (word, value, "")

    return hit


for _name, _word in [
    ("se_personnummer", "personnummer: "),
    ("kr_rrn", "RRN: "),
    ("ro_cnp", "CNP: "),
    ("za_id", "ID number: "),
]:
    CASES[_name] = (_with_context(_word, CASES[_name][0]), CASES[_name][1])
