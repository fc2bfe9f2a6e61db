#!/usr/bin/env python3
"""Writes core/catalog/person.toml: dates of birth, postal codes and street addresses for en,
de, fr, es, it, nl, pt, pl, sv and tr text (group "person"). Catalog patterns are ASCII, so
letters beyond ASCII are written as their UTF-8 bytes (`\\xC3\\xA4` for `ä`); this script keeps
the word lists readable.

    python3 scripts/catalog-person.py [--check]
"""

from __future__ import annotations

import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parents[1] / "core/catalog/person.toml"


def esc(s: str) -> str:
    return "".join(ch if ord(ch) < 128 else "".join(f"\\x{b:02X}" for b in ch.encode()) for ch in s)


def alt(words, flags: str = "") -> str:
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return f"(?{flags}:" + "|".join(esc(w).replace(".", r"\.") for w in ws) + ")" if flags else "(?:" + "|".join(esc(w).replace(".", r"\.") for w in ws) + ")"


MONTHS = {
    "en": "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec",
    "de": "januar jänner februar märz maerz april mai juni juli august september oktober november dezember",
    "fr": "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março marco abril maio junho julho agosto setembro outubro novembro dezembro",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września wrzesnia października pazdziernika listopada grudnia styczeń styczen luty marzec kwiecień kwiecien maj czerwiec lipiec sierpień sierpien wrzesień wrzesien październik pazdziernik listopad grudzień grudzien",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "tr": "ocak şubat subat mart nisan mayıs mayis haziran temmuz ağustos agustos eylül eylul ekim kasım kasim aralık aralik",
}
BIRTH = ["born", "date of birth", "birth date", "birthdate", "dob", "d.o.b", "birthday", "bday",
         "geboren", "geb.", "geburtsdatum", "geburtstag", "né", "née", "ne le", "nee le", "naissance",
         "nacido", "nacida", "nací", "naci", "nacimiento", "nato", "nata", "nascita", "geboortedatum",
         "nascido", "nascida", "nasci", "nascimento", "urodzony", "urodzona", "urodziłem", "urodziłam",
         "urodzenia", "född", "födelsedatum", "födelsedag", "doğum", "doğumlu", "dogum"]

# A capitalised word: an upper-case letter (ASCII, Latin-1, Latin Extended-A), then letters,
# with `'` or `-` inside (O'Brien, Marc-Chagall).
UP = r"(?:[A-Z]|\xC3[\x80-\x9E]|\xC4[\x80-\xBE]|\xC5[\x80-\xBE])"
LO = r"(?:[a-z]|\xC3[\x9F-\xBF]|\xC4[\x80-\xBF]|\xC5[\x80-\xBF])"
CAPWORD = UP + r"(?:" + LO + r"|['-](?:[A-Za-z]|\xC3[\x80-\xBF])){1,24}"
CITY = f"(?:{CAPWORD}|[A-Z][A-Z'-]{{1,24}}[A-Z])"

entries: list[str] = []


def add(name, pattern, example, source, *, label=None, keywords=None, context=None, validator=None):
    e = ["[[detector]]", f'name = "{name}"']
    if label:
        e.append(f'label = "{label}"')
    e.append('group = "person"')
    if keywords:
        e.append("keywords = [" + ", ".join(f'"{k}"' for k in keywords) + "]")
    e.append(f"pattern = '''{pattern}'''")
    if validator:
        e.append(f'validator = "{validator}"')
    if context:
        e.append("context = [" + ", ".join(f'"{k}"' for k in context) + "]")
    e += [f'example = "{example}"', f'source = "{source}"', "default = false"]
    entries.append("\n".join(e))


Y = "(?:19|20)[0-9]{2}"
D = "(?:0?[1-9]|[12][0-9]|3[01])"
M = alt({w for v in MONTHS.values() for w in v.split()})
add("date_of_birth",
    "(?i)\\b(?:" + f"{D}[./-]{D}[./-]{Y}" + f"|{Y}[./-][01]?[0-9][./-]{D}"
    + f"|{D}(?:st|nd|rd|th|er|\\.)?(?: de| of)? {M}\\.?,?(?: de)? {Y}" + f"|{M}\\.? {D}(?:st|nd|rd|th)?,? {Y}" + ")\\b",
    "a date (numeric in any order, ISO, or with a month name in en, de, fr, es, it, nl, pt, pl, sv or tr) with a birth word before or after it on its line, or under a key such as dob or birth_date",
    "dates as each language writes them (CLDR date formats); birth words from each language's common vocabulary",
    validator="birth_date", context=BIRTH)

US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
             "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP").split()
add("postal_code_us", r"\b(?:" + "|".join(US_STATES) + r") (?P<v>[0-9]{5}(?:-[0-9]{4})?)\b",
    "a ZIP or ZIP+4 code after a state's two-letter code (IL 62704)",
    "USPS Publication 28, Postal Addressing Standards (ZIP Code, state abbreviations)", label="postal_code")
add("postal_code_uk", r"\b(?P<v>(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) [0-9][ABD-HJLNP-UW-Z]{2})\b",
    "a UK postcode with its space (SW1A 1AA, M1 1AE)", "Royal Mail Programmers' Guide to the postcode format; BS 7666", label="postal_code")
add("postal_code_ca", r"\b(?P<v>[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] [0-9][ABCEGHJ-NPRSTV-Z][0-9])\b",
    "a Canadian postal code with its space (K1A 0B1)", "Canada Post Addressing Guidelines", label="postal_code")
add("postal_code_5_city", f"(?:, |(?m:^))(?P<v>[0-9]{{5}}),? {CITY}",
    "5 digits after a comma or at a line's start, and before a city (DE, FR, ES, IT, TR, FI: ..., 65342 Offenbach)",
    "Deutsche Post, La Poste, Correos, Poste Italiane and PTT postal code formats (UPU POST*CODE)", label="postal_code")
add("postal_code_nl", f"\\b(?P<v>[1-9][0-9]{{3}} ?(?:[A-RT-Z][A-Z]|S[BCE-RT-Z])),? {CITY}",
    "4 digits and 2 letters (not SA, SD, SS) before a city (7610 JP Leiden)", "PostNL postcode format (UPU POST*CODE)", label="postal_code")
add("postal_code_pl", f"\\b(?P<v>[0-9]{{2}}-[0-9]{{3}}) {CITY}", "2-3 digits before a city (77-593 Gorzow)",
    "Poczta Polska PNA format (UPU POST*CODE)", label="postal_code")
add("postal_code_pt", f"\\b(?P<v>[1-9][0-9]{{3}}-[0-9]{{3}}) {CITY}", "4-3 digits before a city (1000-001 Lisboa)",
    "CTT codigo postal format (UPU POST*CODE)", label="postal_code")
add("postal_code_br", r"(?:, |CEP:? )(?P<v>[0-9]{5}-[0-9]{3})\b", "a CEP (5-3 digits) after a comma or CEP",
    "Correios CEP format (UPU POST*CODE)", label="postal_code")
add("postal_code_se", f"\\b(?P<v>[1-9][0-9]{{2}} [0-9]{{2}}) {CITY}", "3 and 2 digits before a city (114 55 Stockholm)",
    "PostNord postnummer format (UPU POST*CODE)", label="postal_code")
add("postal_code_keyword",
    r"(?i)\b(?:zip(?: code)?|postcode|post code|postal code|plz|code postal|c\.p\.|cap|kod pocztowy|postnummer|posta kodu|cep)[:#]? ?(?P<v>[0-9A-Z][0-9A-Z -]{2,8}[0-9A-Z])\b",
    "a code after its name (ZIP, postcode, PLZ, code postal, CAP, CEP, kod pocztowy, postnummer, posta kodu)",
    "postal code names of each country's postal operator", label="postal_code",
    keywords=["zip", "postcode", "post code", "postal code", "plz", "code postal", "c.p.", "cap", "kod pocztowy",
              "postnummer", "posta kodu", "cep"])

# USPS Publication 28 street suffixes (the common ones, with their plurals) and British types.
EN_TYPES = ("street streets st avenue ave road roads rd lane ln drive drives dr boulevard blvd court courts ct "
            "place pl way ways terrace ter circle circles cir parkway parkways pkwy highway hwy square squares sq "
            "crescent close row walk gardens trail trl alley plaza harbor harbors gateway forest forges forge ranch "
            "mews pass point points port ports ridge ridges river shore shores springs spring station summit "
            "track trace turnpike union valley valleys via view views village villages ville vista well wells "
            "bypass camp canyon cape causeway center centers cliff cliffs club common corner corners course cove "
            "coves creek crest crossing crossroad curve dale dam divide estate estates expressway extension falls "
            "ferry field fields flat flats ford fords freeway garden glen glens green greens grove groves haven "
            "heights hill hills hollow inlet island islands isle junction key keys knoll knolls lake lakes land "
            "landing light lights loaf lock locks lodge loop mall manor manors meadow meadows mill mills mission "
            "motorway mount mountain mountains neck orchard oval overpass park parks plain plains pike pine pines "
            "prairie radial ramp rapid rapids rest route shoal shoals skyway spur spurs stravenue stream burg burgs "
            "brook brooks bridge bluff bluffs bottom branch bend beach underpass unions").split()
EN_ALL = {t.capitalize() for t in EN_TYPES} | set(EN_TYPES) | {t.upper() for t in EN_TYPES}
W = f"(?:{CAPWORD}|[0-9]{{1,3}}(?:st|nd|rd|th))"
add("street_address_en",
    r"\b[1-9][0-9]{0,5}[A-Za-z]?(?: (?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?)?(?: " + W + "){1,4} "
    + alt(EN_ALL) + r"\b\.?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.? ?#?[0-9A-Za-z-]{1,6})?",
    "a house number, a street name and its type (1547 W Main Street, Apt 4B)",
    "USPS Publication 28 street suffixes; Royal Mail address format", label="street_address")
FR_TYPES = ("rue avenue av. boulevard bd chemin place allée allee impasse quai cours route square passage voie "
            "rond-point esplanade promenade").split()
add("street_address_fr",
    r"\b[1-9][0-9]{0,3}(?: ?(?:bis|ter|[A-Z]))?,? " + alt(FR_TYPES, "i")
    + "(?: (?:de la|de l'|du|des|de|d'|la|le|les|l'))?(?: ?" + CITY + "){1,4}",
    "a number, a street type and a name (47 rue de la Paix, 12 bis avenue Victor Hugo)",
    "La Poste / AFNOR NF Z10-011 address format", label="street_address")
ES_TYPES = "calle c/ avenida avda. av. plaza pza. paseo camino carretera ctra. ronda travesía travesia glorieta rambla vía via cuesta".split()
add("street_address_es",
    r"\b" + alt(ES_TYPES, "i") + "(?: (?:de la|de los|de las|del|de|la|el))?(?: " + CITY + "){1,4},? "
    + esc("(?:n(?:º|o\\.?|um\\.?) ?)?[1-9][0-9]{0,3}\\b(?:, ?[0-9]{1,2}(?:º|ª) ?[A-Z]?\\b)?"),
    "a street type, a name and a number (Calle Mayor, 5; Avenida de la Paz 12, 3º B)",
    "Correos address format (UPU POST*CODE)", label="street_address")
IT_TYPES = "via viale piazza piazzale corso largo vicolo contrada strada lungomare borgo".split()
add("street_address_it",
    r"\b" + alt(IT_TYPES, "i") + "(?: (?:della|delle|dei|degli|del|di|da|san|santa))?(?: " + CITY + r"){1,4},? (?:n\. ?)?[1-9][0-9]{0,3}(?:/?[A-Za-z])?\b",
    "a street type, a name and a number (Via Roma 12, Piazza Garibaldi, 31/B)",
    "Poste Italiane address format (UPU POST*CODE)", label="street_address")
PT_TYPES = ("rua r. avenida av. travessa tv. praça praca praceta largo alameda estrada rodovia beco ladeira quinta "
            "escadas escadinhas jardim calçada calcada rotunda bairro urbanização urbanizacao vila viela").split()
add("street_address_pt",
    r"\b" + alt(PT_TYPES, "i") + "(?: (?:da|do|das|dos|de))?(?: " + CITY + "){1,4},? "
    + esc("(?:n\\.?º? ?)?[1-9][0-9]{0,4}\\b(?:,? (?:apto|apt\\.|ap\\.|casa|bloco|sala|andar)\\.? ?[0-9A-Za-z]{1,5})?"),
    "a street type, a name and a number (Rua Augusta, 100; Avenida Paulista 1578, apto 12)",
    "CTT / Correios address format (UPU POST*CODE)", label="street_address")


def suffixed(suffixes):
    """A capitalised word ending in one of `suffixes` (Bahnhofstraße, Keizersgracht)."""
    return UP + "(?:" + LO + r"|['-](?:[A-Za-z]|\xC3[\x80-\xBF])){0,24}-?" + alt(set(suffixes) | {s.capitalize() for s in suffixes})


DE_SUFFIX = "straße strasse str. weg gasse platz allee ring damm ufer chaussee steig pfad graben markt".split()
DE_PREFIX = ["Am", "An der", "An den", "Auf der", "Auf dem", "Im", "In der", "Zum", "Zur", "Hinter der", "Unter den"]
add("street_address_de",
    "(?:" + suffixed(DE_SUFFIX) + "|" + CAPWORD + " " + alt(["Straße", "Strasse", "Str.", "Weg", "Gasse", "Platz", "Allee"])
    + "|" + alt(DE_PREFIX) + " " + CAPWORD + r") [1-9][0-9]{0,3}[a-z]?\b",
    "a street name (Bahnhofstraße, Marc-Chagall-Str., Am Knechtsgraben) and a number after it",
    "Deutsche Post / DIN 5008 address format", label="street_address",
    keywords=["stra", "str.", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "chaussee", "steig", "pfad",
              "graben", "markt", "am ", "an der", "an den", "auf der", "auf dem", "im ", "in der", "zum ", "zur "])
NL_SUFFIX = "straat laan weg gracht kade plein singel dijk hof park steeg markt dreef pad kanaal".split()
add("street_address_nl",
    "(?:(?:de|het|van|den|der) )?" + suffixed(NL_SUFFIX) + r" [1-9][0-9]{0,4}[a-z]?\b",
    "a street name (Keizersgracht, de Bruijnlaan) and a number after it", "PostNL address format (UPU POST*CODE)",
    label="street_address", keywords=NL_SUFFIX)
SV_SUFFIX = "gatan vägen vagen gränd grand torget stigen backen plan allén allen".split()
add("street_address_sv",
    "(?:" + alt(["Norra", "Södra", "Östra", "Västra", "Stora", "Lilla", "Gamla", "Nya"]) + " )?(?:" + suffixed(SV_SUFFIX)
    + "|" + CAPWORD + " " + alt(["Väg", "Vag", "Gata", "Gränd", "Torg", "Allé", "Backe", "Stig"]) + r") [1-9][0-9]{0,3}[A-Z]?\b",
    "a street name (Storgatan, Norra Ringvägen) and a number after it", "PostNord address format (UPU POST*CODE)",
    label="street_address")
add("street_address_pl",
    r"\b(?i:ul\.|ulica|al\.|aleja|pl\.|plac|os\.|osiedle) " + CITY + "(?: " + CITY + r"){0,3} [1-9][0-9]{0,3}[a-z]?(?:/[0-9]{1,4}[a-z]?)?(?: m\. ?[0-9]{1,4})?\b",
    "ul., al., pl. or os. with a name and a number (ul. Marszalkowska 10/12)",
    "Poczta Polska address format (UPU POST*CODE)", label="street_address",
    keywords=["ul.", "ulica", "al.", "aleja", "pl.", "plac", "os.", "osiedle"])
TR_TYPES = "sokak sokağı sok. sk. cadde caddesi cad. cd. bulvar bulvarı blv. mahalle mahallesi mah. mh.".split()
add("street_address_tr",
    CITY + "(?: " + CITY + "){0,3} " + alt(TR_TYPES, "i") + r"(?:,? No ?: ?|,? No\.? ?| )[1-9][0-9]{0,3}(?:/[0-9A-Za-z]{1,3})?\b",
    "a name, a street type and a number (Ataturk Caddesi No: 12, Bayir Sokak No: 141)",
    "PTT address format (UPU POST*CODE)", label="street_address",
    keywords=["sokak", "soka", "sok.", "sk.", "cadde", "cad.", "cd.", "bulvar", "blv.", "mahalle", "mah.", "mh."])

HEAD = """# People in free text (group "person"): dates of birth, postal codes and street addresses, for
# en, de, fr, es, it, nl, pt, pl, sv and tr text. Names (`person_name`) are a hand-written
# scanner with name statistics (core/data/names). Entries that share a `label` are one type:
# `detect = ["postal_code"]` selects every country's format, and `{type}` says `postal_code`.
#
# Written by scripts/catalog-person.py (patterns are ASCII: letters beyond ASCII are their UTF-8
# bytes). Formats are public knowledge of each postal operator's rules (named in `source`); no
# document was copied.
"""

text = HEAD + "\n" + "\n\n".join(entries) + "\n"
if "--check" in sys.argv:
    if OUT.read_text() != text:
        sys.exit("core/catalog/person.toml is not what scripts/catalog-person.py writes: run it")
else:
    OUT.write_text(text)
    print(f"{OUT.name}: {len(entries)} entries")
