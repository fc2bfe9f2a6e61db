"""Writes tests/vectors/person.json: the `person` group (person_name, street_address,
postal_code, date_of_birth) in every front end, a hit, a near miss and a disguise per type.

    python3 tests/vectors/gen/person.py

Expectations follow from the documented rules (docs/detectors.md, "People in free text"),
never from running tamis: a name needs a cue (title, greeting, introduction, a sign-off line
or a label line above) or a known given name and a second capitalised word; a street address
is a number, a name and a street type in the order of its language; a postal code needs its
country's context (a state code, a city after it, its name); a date is a birth date only with a
birth word near it on its line, or under a birth key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "person.json"
HEAD = 'version = 1\nname = "vector"\n'


def rule(*types: str) -> str:
    return HEAD + '[[rule]]\nid = "p"\ndetect = [' + ", ".join(f'"{t}"' for t in types) + ']\naction = "replace"\nreplacement = "[{type}]"\n'


vectors: list[dict[str, Any]] = []


def add(name: str, policy: str, input: Any, expect: Any, **extra: Any) -> None:
    vectors.append({"name": f"person-{name}", "policy": policy, **extra, "input": input, "expect": expect})


N = rule("person_name")
add("name-after-introduction-en", N, {"m": "Hi, I am John Smith from Ohio"}, {"m": "Hi, I am [person_name] from Ohio"})
add("name-after-title-unknown-words", N, {"m": "Dear Mr. Xylowicz, thanks"}, {"m": "Dear Mr. [person_name], thanks"})
add("name-de-fr-es-it", N,
    {"de": "Hallo, ich heiße Gustav Neimke.", "fr": "Bonjour, je m'appelle Boniface Dumont.",
     "es": "Hola, me llamo Roser Santana.", "it": "Ciao, mi chiamo Damocle Cannas."},
    {"de": "Hallo, ich heiße [person_name].", "fr": "Bonjour, je m'appelle [person_name].",
     "es": "Hola, me llamo [person_name].", "it": "Ciao, mi chiamo [person_name]."})
add("name-nl-pt-pl-sv-tr", N,
    {"nl": "Hallo, ik heet Filou van der Pol.", "pt": "Olá, meu nome é Esther Nogueira.",
     "pl": "Dzień dobry, nazywam się Antonina Zielonka.", "sv": "Hej, jag heter Ali Lundin.",
     "tr": "Merhaba, benim adım Ayşe Yılmaz."},
    {"nl": "Hallo, ik heet [person_name].", "pt": "Olá, meu nome é [person_name].",
     "pl": "Dzień dobry, nazywam się [person_name].", "sv": "Hej, jag heter [person_name].",
     "tr": "Merhaba, benim adım [person_name]."})
add("name-known-given-and-second-word", N, {"m": "Yesterday Michael Jordan called twice"}, {"m": "Yesterday [person_name] called twice"})
add("name-sign-off-line", N, {"m": "Thanks for the fix.\nBest regards,\nJane Doe"}, {"m": "Thanks for the fix.\nBest regards,\n[person_name]"})
add("name-near-misses-left-alone", N,
    {"a": "Hello World, see the Main Street release notes.", "b": "In May we will Mark the release; Will it ship?",
     "c": "The Python Software Foundation and Visual Studio Code", "d": "Dear Customer, your order shipped.",
     "e": "Paris and Berlin in March 2024"},
    {"a": "Hello World, see the Main Street release notes.", "b": "In May we will Mark the release; Will it ship?",
     "c": "The Python Software Foundation and Visual Studio Code", "d": "Dear Customer, your order shipped.",
     "e": "Paris and Berlin in March 2024"})
add("name-disguised-with-invisible-characters", N, {"m": "my name is Jo\u200bhn Smith"}, {"m": "my name is [person_name]"})

S = rule("street_address")
add("street-en-fr-de", S,
    {"en": "ship to 1547 W Main Street, Apt 4B today", "fr": "j'habite au 47 rue de la Paix, Paris", "de": "wohne in der Bahnhofstraße 12a, Berlin"},
    {"en": "ship to [street_address] today", "fr": "j'habite au [street_address], Paris", "de": "wohne in der [street_address], Berlin"})
add("street-es-it-pt-pl-tr", S,
    {"es": "vivo en Calle Mayor, 5, Madrid", "it": "abito in Via Roma 12, Milano", "pt": "moro na Rua Augusta, 100, Lisboa",
     "pl": "mieszkam przy ul. Marszałkowska 10/12, Warszawa", "tr": "adresim Atatürk Caddesi No: 12, Ankara"},
    {"es": "vivo en [street_address], Madrid", "it": "abito in [street_address], Milano", "pt": "moro na [street_address], Lisboa",
     "pl": "mieszkam przy [street_address], Warszawa", "tr": "adresim [street_address], Ankara"})
add("street-nl-sv", S, {"nl": "ik woon aan de Keizersgracht 123, Amsterdam", "sv": "bor på Storgatan 12, Lund"},
    {"nl": "ik woon aan [street_address], Amsterdam", "sv": "bor på [street_address], Lund"})
add("street-near-misses", S, {"a": "version 2 of Chapter 3 ships in 12 Days", "b": "we processed 1547 Main Records"},
    {"a": "version 2 of Chapter 3 ships in 12 Days", "b": "we processed 1547 Main Records"})

P = rule("postal_code")
add("postal-codes-by-country", P,
    {"us": "Springfield, IL 62704", "uk": "London SW1A 1AA", "ca": "Ottawa ON K1A 0B1", "de": "Hauptstr. 5, 65342 Offenbach",
     "nl": "7610 JP Leiden", "pl": "77-593 Gorzów", "se": "114 55 Stockholm", "br": "Brasília - DF, 21615-646",
     "kw": "PLZ: 10115"},
    {"us": "Springfield, IL [postal_code]", "uk": "London [postal_code]", "ca": "Ottawa ON [postal_code]",
     "de": "Hauptstr. 5, [postal_code] Offenbach", "nl": "[postal_code] Leiden", "pl": "[postal_code] Gorzów",
     "se": "[postal_code] Stockholm", "br": "Brasília - DF, [postal_code]", "kw": "PLZ: [postal_code]"})
add("postal-near-misses", P, {"a": "order 62704 shipped", "b": "1234 SA Amsterdam", "c": "took 12345 ms"},
    {"a": "order 62704 shipped", "b": "1234 SA Amsterdam", "c": "took 12345 ms"})

D = rule("date_of_birth")
add("birth-dates-with-birth-words", D,
    {"en": "born 03/14/1985", "de": "geboren am 14.03.1985", "fr": "née le 14 mars 1985", "es": "nací el 5 de mayo de 1958",
     "pl": "urodzony 30 lipca 1937", "tr": "doğum tarihi 30.10.1939", "iso": "DOB: 1985-03-14"},
    {"en": "born [date_of_birth]", "de": "geboren am [date_of_birth]", "fr": "née le [date_of_birth]", "es": "nací el [date_of_birth]",
     "pl": "urodzony [date_of_birth]", "tr": "doğum tarihi [date_of_birth]", "iso": "DOB: [date_of_birth]"})
add("birth-date-under-a-birth-key", D, {"date_of_birth": "1985-03-14", "dob": "14.03.1985"},
    {"date_of_birth": "[date_of_birth]", "dob": "[date_of_birth]"})
add("dates-without-birth-words-left-alone", D,
    {"a": "released 03/14/1985", "b": "expires 2030-01-01", "c": "born 02/30/1985", "d": "created_at 1985-03-14"},
    {"a": "released 03/14/1985", "b": "expires 2030-01-01", "c": "born 02/30/1985", "d": "created_at 1985-03-14"})

G = rule("person")
add("the-issue-sentence", G, "Hi, I am John Smith from 42 Main Street, Springfield IL 62704, born 03/14/1985",
    "Hi, I am [person_name] from [street_address], Springfield IL [postal_code], born [date_of_birth]", format="text")
add("placeholders-number-people", HEAD + '[[rule]]\nid = "p"\ndetect = ["person"]\naction = "placeholder"\n',
    {"a": "Hi, I am John Smith", "b": "Dear Mr. John Smith", "c": "Hi, I am Jane Doe"},
    {"a": "Hi, I am <PERSON_NAME_1>", "b": "Dear Mr. <PERSON_NAME_1>", "c": "Hi, I am <PERSON_NAME_2>"})

OUT.write_text(json.dumps({"description": "The person group: names, street addresses, postal codes and dates of birth",
                           "vectors": vectors}, indent=1, ensure_ascii=False) + "\n")
print(f"{len(vectors)} vectors -> {OUT}")
