#!/usr/bin/env python3
"""Deterministic test-corpus generator for tamis person_name / street_address /
postal_code / date_of_birth, using ONLY the test-side source family
(@faker-js/faker locale definitions, dumped by export_fakerjs.mjs to
test_source/fakerjs_defs.json) plus hand-written templates, real-place lists and
formats written here. It never reads compiled/ or the compile-side packages.

Outputs (UTF-8 JSON lines):
  corpus/<lang>.jsonl  {"id","lang","template","text","spans":[{type,start,end,text}],
                        "negatives":[{type:"date_not_dob",start,end,text}]}
                       start/end are UTF-8 BYTE offsets into text (end exclusive);
                       "cstart"/"cend" give the same span in code points.
  benign/<lang>.jsonl  {"id","lang","kind","text","spans":[]}  (no personal data)

Usage: python3 corpus.py [--seed 26] [--per-template 40] [--out .]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFS = HERE / "test_source" / "fakerjs_defs.json"
LANGS = ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "tr"]


def load_defs():
    if not DEFS.exists():
        subprocess.run(["node", str(HERE / "export_fakerjs.mjs")], check=True, cwd=HERE)
    return json.loads(DEFS.read_text(encoding="utf-8"))


def flat(v):
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str)]
    if isinstance(v, dict):
        return [x for vv in v.values() for x in flat(vv)]
    return []


# ------------------------------------------------------------------ hand-written facts
MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia".split(),
    "sv": "januari februari mars april maj juni juli augusti september oktober november december".split(),
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık".split(),
}
MONTHS_NOM_PL = "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień".split()
WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split(),
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
    "es": "lunes martes miércoles jueves viernes sábado domingo".split(),
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica".split(),
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split(),
    "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo".split(),
    "pl": "poniedziałek wtorek środa czwartek piątek sobota niedziela".split(),
    "sv": "måndag tisdag onsdag torsdag fredag lördag söndag".split(),
    "tr": "Pazartesi Salı Çarşamba Perşembe Cuma Cumartesi Pazar".split(),
}
US_STATES = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
UK_TOWNS = "LONDON MANCHESTER BIRMINGHAM LEEDS GLASGOW EDINBURGH BRISTOL CARDIFF LIVERPOOL SHEFFIELD NOTTINGHAM LEICESTER BRIGHTON OXFORD CAMBRIDGE YORK BELFAST ABERDEEN NORWICH EXETER".split()
UK_AREAS = "AB B BS CB CF DN E EC EH G L LS M N NE NG NW OX S SE SW W WC YO BT CR".split()
NL_CITIES = "Amsterdam Rotterdam Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen Apeldoorn Haarlem Arnhem Enschede Amersfoort Zaandam Leiden Maastricht Dordrecht Zwolle Delft Alkmaar Deventer Leeuwarden Venlo Hilversum".split()
SE_CITIES = "Stockholm Göteborg Malmö Uppsala Västerås Örebro Linköping Helsingborg Jönköping Norrköping Lund Umeå Gävle Borås Södertälje Eskilstuna Halmstad Växjö Karlstad Sundsvall Luleå Kiruna Visby".split()
BR_CITIES = [("São Paulo", "SP"), ("Rio de Janeiro", "RJ"), ("Belo Horizonte", "MG"), ("Salvador", "BA"), ("Fortaleza", "CE"),
             ("Curitiba", "PR"), ("Recife", "PE"), ("Porto Alegre", "RS"), ("Manaus", "AM"), ("Belém", "PA"), ("Goiânia", "GO"),
             ("Campinas", "SP"), ("Florianópolis", "SC"), ("Natal", "RN"), ("Brasília", "DF")]
IT_PROV = "RM MI NA TO PA GE BO FI BA CT VE VR PD TS BS PR MO RE PG CA".split()

TITLES = {  # (female, male, neutral) forms used before a surname
    "en": (["Mrs", "Ms", "Mrs.", "Ms.", "Miss"], ["Mr", "Mr."], ["Dr", "Dr.", "Prof."]),
    "de": (["Frau"], ["Herr", "Herrn"], ["Dr.", "Prof."]),
    "fr": (["Mme", "Madame", "Mlle"], ["M.", "Monsieur"], ["Dr", "Me", "Pr"]),
    "es": (["Sra.", "señora", "Dña."], ["Sr.", "señor", "D."], ["Dr.", "Dra."]),
    "it": (["Sig.ra", "signora", "Dott.ssa"], ["Sig.", "signor", "Dott."], ["Prof.", "Ing.", "Avv."]),
    "nl": (["Mevr.", "mevrouw", "Mw."], ["Dhr.", "de heer"], ["Dr.", "Ir.", "Drs."]),
    "pt": (["Sra.", "D.", "Dra."], ["Sr.", "Dr.", "Eng."], ["Prof."]),
    "pl": (["Pani", "pani"], ["Pan", "pan"], ["dr", "prof.", "mgr"]),
    "sv": (["Fru"], ["Herr"], ["Dr", "Prof."]),
    "tr": (["Bayan", "Sayın"], ["Bay", "Sayın"], ["Dr.", "Prof. Dr.", "Av."]),
}


# ------------------------------------------------------------------ generator
class Gen:
    def __init__(self, defs, lang, rng: random.Random):
        self.lang, self.rng = lang, rng
        L = defs["locales"]
        locs = {"pt": ["pt_PT", "pt_BR"], "en": ["en"]}.get(lang, [lang])
        self.given_f, self.given_m, self.surn = [], [], []
        for loc in locs:
            fn = L[loc]["person"].get("first_name", {})
            self.given_f += flat(fn.get("female")) + flat(fn.get("generic"))
            self.given_m += flat(fn.get("male")) + flat(fn.get("generic"))
            self.surn += flat(L[loc]["person"].get("last_name"))
        self.given_f = sorted(set(self.given_f)) or sorted(set(self.given_m))
        self.given_m = sorted(set(self.given_m)) or self.given_f
        self.surn = sorted(set(self.surn))
        self.L = L
        self.country = None

    # ---- names
    def sex(self):
        return self.rng.choice("fm")

    def given(self, sex=None):
        sex = sex or self.sex()
        return self.rng.choice(self.given_f if sex == "f" else self.given_m)

    def surname(self, sex=None):
        s = self.rng.choice(self.surn)
        if self.lang == "es" and self.rng.random() < 0.5:  # two surnames, as faker-js es pattern
            s = s + " " + self.rng.choice(self.surn)
        if self.lang == "pl" and sex == "f" and s.endswith(("ski", "cki", "dzki")):
            s = s[:-1] + "a"
        return s

    def full(self, sex=None):
        sex = sex or self.sex()
        return f"{self.given(sex)} {self.surname(sex)}", sex

    def title(self, sex):
        f, m, n = TITLES[self.lang]
        return self.rng.choice((f if sex == "f" else m) + ([] if self.rng.random() < 0.7 else n))

    # ---- dates
    def date_parts(self, birth=True):
        y = self.rng.randint(1935, 2007) if birth else self.rng.randint(2016, 2031)
        m = self.rng.randint(1, 12)
        d = self.rng.randint(1, [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1])
        return y, m, d

    def fmt_date(self, y, m, d):
        r, l = self.rng, self.lang
        M = MONTHS[l][m - 1]
        opts = {
            "en": [f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{M} {d}, {y}", f"{d} {M} {y}", f"{y}-{m:02d}-{d:02d}", f"{M[:3]} {d}, {y}"],
            "de": [f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d}. {M} {y}", f"{y}-{m:02d}-{d:02d}"],
            "fr": [f"{d:02d}/{m:02d}/{y}", f"{d} {M} {y}", f"{'1er' if d == 1 else d} {M} {y}", f"{d:02d}.{m:02d}.{y}"],
            "es": [f"{d:02d}/{m:02d}/{y}", f"{d} de {M} de {y}", f"{d}-{m:02d}-{y}", f"{d}/{m}/{y}"],
            "it": [f"{d:02d}/{m:02d}/{y}", f"{d} {M} {y}", f"{d:02d}-{m:02d}-{y}", f"{d:02d}.{m:02d}.{y}"],
            "nl": [f"{d:02d}-{m:02d}-{y}", f"{d} {M} {y}", f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}"],
            "pt": [f"{d:02d}/{m:02d}/{y}", f"{d} de {M} de {y}", f"{d:02d}-{m:02d}-{y}"],
            "pl": [f"{d:02d}.{m:02d}.{y}", f"{d} {M} {y}", f"{d} {M} {y} r.", f"{y}-{m:02d}-{d:02d}"],
            "sv": [f"{y}-{m:02d}-{d:02d}", f"{d} {M} {y}", f"{d}/{m} {y}"],
            "tr": [f"{d:02d}.{m:02d}.{y}", f"{d} {M} {y}", f"{d:02d}/{m:02d}/{y}"],
        }[l]
        return r.choice(opts)

    def date(self, birth=True):
        return self.fmt_date(*self.date_parts(birth))

    # ---- postal codes (official formats; values random but valid-looking)
    def postcode(self, country):
        r = self.rng
        if country == "US":
            z = f"{r.randint(1001, 99950):05d}"
            return z + (f"-{r.randint(1, 9999):04d}" if r.random() < 0.2 else "")
        if country == "GB":
            area = r.choice(UK_AREAS)
            dist = str(r.randint(1, 20)) if len(area) == 2 else str(r.randint(1, 9))
            if area in ("EC", "WC", "SW", "W") and r.random() < 0.3:
                dist = str(r.randint(1, 2)) + r.choice("ABCHMNPRVWXY" if len(area) == 2 else "ABCDEFGHJKPSTUW")
            inward = str(r.randint(0, 9)) + "".join(r.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
            return f"{area}{dist} {inward}"
        if country == "DE":
            return f"{r.randint(1067, 99998):05d}"
        if country == "FR":
            return f"{r.randint(1, 95):02d}{r.choice(['000', '100', '200', '300', '400', '500', '600', '700', '800', '900', '010', '090', '120', '250', '370'])}"
        if country == "ES":
            return f"{r.randint(1, 52):02d}{r.randint(0, 999):03d}"
        if country == "IT":
            return f"{r.randint(10, 98168):05d}"
        if country == "NL":
            while True:
                lt = r.choice("ABCDEFGHJKLMNPRSTVWXZ") + r.choice("ABCDEFGHJKLMNPRSTVWXZ")
                if lt not in ("SA", "SD", "SS"):
                    break
            return f"{r.randint(1000, 9999)}{r.choice([' ', ' ', ''])}{lt}"
        if country == "PT":
            return f"{r.randint(1000, 9999)}-{r.randint(0, 999):03d}"
        if country == "BR":
            return f"{r.randint(1000, 99999):05d}-{r.randint(0, 999):03d}"
        if country == "PL":
            return f"{r.randint(0, 99):02d}-{r.randint(0, 999):03d}"
        if country == "SE":
            return f"{r.randint(100, 999)} {r.randint(0, 99):02d}" if r.random() < 0.8 else f"{r.randint(10000, 99999)}"
        if country == "TR":
            return f"{r.randint(1, 81):02d}{r.randint(0, 999):03d}"
        raise KeyError(country)

    # ---- streets (test family: faker-js street parts)
    def _loc(self, loc, key):
        return flat(self.L[loc]["location"].get(key))

    def street(self, country):
        r = self.rng
        n = str(r.randint(1, 299))
        if country == "US":
            if r.random() < 0.4:
                s = r.choice(self._loc("en", "street_name"))
            else:
                s = f"{r.choice([self.given(), self.surname()])} {r.choice(self._loc('en', 'street_suffix'))}"
            line = f"{r.choice([n, str(r.randint(100, 9999))])} {s}"
            if r.random() < 0.25:
                line += r.choice([f", Apt. {r.randint(1, 40)}{r.choice('ABCD')}", f" Suite {r.randint(100, 900)}", f", Unit {r.randint(1, 30)}"])
            return line
        if country == "GB":
            line = f"{n} {r.choice(self._loc('en_GB', 'street_name'))}"
            return (f"Flat {r.randint(1, 20)}, " + line) if r.random() < 0.15 else line
        if country == "DE":
            s = r.choice(self._loc("de", "street_name"))
            return f"{s} {n}{r.choice(['', '', '', 'a', 'b'])}"
        if country == "FR":
            s = f"{r.choice(self._loc('fr', 'street_prefix'))} {r.choice(self._loc('fr', 'street_suffix'))}"
            if r.random() < 0.5:
                s = s[0].lower() + s[1:]
            return f"{n}{r.choice(['', '', ' bis', ' ter', ','])} {s}"
        if country == "ES":
            types = ["Calle", "Avenida", "Plaza", "Paseo", "Camino", "Ronda", "Travesía", "Carretera", "Glorieta", "Rambla", "Pasaje", "Cuesta"]
            s = f"{r.choice(types + ['C/', 'Avda.'])} {r.choice([self.given(), self.surname(), self.given() + ' ' + self.surname()])}"
            return f"{s}, {n}" + (f", {r.randint(1, 9)}º {r.choice('ABCD')}" if r.random() < 0.4 else "")
        if country == "IT":
            s = f"{r.choice(['Via', 'Via', 'Viale', 'Piazza', 'Corso', 'Largo', 'Vicolo', 'Piazzale'])} {r.choice([self.given() + ' ' + self.surname(), self.surname()])}"
            return f"{s}{r.choice([', ', ' ', ', n. '])}{n}{r.choice(['', '', '/A', '/B'])}"
        if country == "NL":
            base = r.choice([self.surname(), self.given()])
            s = f"{base}{r.choice(self._loc('nl', 'street_suffix'))}"
            return f"{s} {n}{r.choice(['', '', 'a', 'b', '-2', ' hs'])}"
        if country == "PT":
            s = f"{r.choice(self._loc('pt_PT', 'street_prefix'))} {self.given()} {self.surname()}"
            return f"{s}, {n}" + (f", {r.randint(1, 8)}.º {r.choice(['Esq.', 'Dto.', 'Frt.'])}" if r.random() < 0.4 else "")
        if country == "BR":
            s = f"{r.choice(self._loc('pt_BR', 'street_prefix'))} {r.choice([self.given() + ' ' + self.surname(), self.surname()])}"
            return f"{s}, {r.randint(10, 4999)}" + (f", apto {r.randint(11, 1504)}" if r.random() < 0.3 else "")
        if country == "PL":
            s = f"{r.choice(['ul.', 'ul.', 'ul.', 'al.', 'pl.', 'os.'])} {self.surname()}"
            return f"{s} {n}{r.choice(['', '', f'/{r.randint(1, 80)}', 'a', f' m. {r.randint(1, 80)}'])}"
        if country == "SE":
            pat = r.randint(0, 2)
            if pat == 0:
                s = f"{r.choice(self._loc('sv', 'street_name_part'))}{r.choice(self._loc('sv', 'street_suffix'))}"
            elif pat == 1:
                s = f"{r.choice(self._loc('sv', 'street_prefix'))} {r.choice(self._loc('sv', 'street_name_part'))}{r.choice(self._loc('sv', 'street_suffix'))}"
            else:
                s = f"{self.surname()}{r.choice(self._loc('sv', 'common_street_suffix'))}"
            return f"{s} {n}{r.choice(['', '', ' A', ' B'])}"
        if country == "TR":
            s = r.choice(self._loc("tr", "street_name"))
            pre = f"{self.surname()} Mah. " if r.random() < 0.4 else ""
            return f"{pre}{s} No: {n}" + (f" D: {r.randint(1, 20)}" if r.random() < 0.4 else "")
        raise KeyError(country)

    def city(self, country):
        r = self.rng
        if country == "US":
            return r.choice(self._loc("en", "city_name"))
        if country == "GB":
            return r.choice(UK_TOWNS)
        if country == "NL":
            return r.choice(NL_CITIES)
        if country == "SE":
            return r.choice(SE_CITIES)
        if country == "BR":
            return r.choice(BR_CITIES)[0]
        loc = {"DE": "de", "FR": "fr", "ES": "es", "IT": "it", "PT": "pt_PT", "PL": "pl", "TR": "tr"}[country]
        return r.choice(self._loc(loc, "city_name"))

    def postline(self, country):
        """Segments of the postal line; the postcode is annotated, the city is not."""
        r, pc = self.rng, self.postcode(country)
        P = (pc, "postal_code")
        if country == "US":
            return [(f"{self.city(country)}, {r.choice(US_STATES)} ", None), P]
        if country == "GB":
            return [(f"{self.city(country)} ", None), P]
        if country == "IT":
            return [P, (f" {self.city(country)} ({r.choice(IT_PROV)})", None)]
        if country == "PT":
            return [P, (f" {self.city(country).upper()}", None)]
        if country == "BR":
            c, uf = r.choice(BR_CITIES)
            return [(f"{c} - {uf}, ", None), P]
        if country == "TR":
            return [P, (f" {self.city(country)}", None)]
        if country == "FR" and r.random() < 0.5:
            return [P, (f" {self.city(country).upper()}", None)]
        return [P, (f" {self.city(country)}", None)]


COUNTRY = {"en": ["US", "GB"], "de": ["DE"], "fr": ["FR"], "es": ["ES"], "it": ["IT"], "nl": ["NL"],
           "pt": ["PT", "BR"], "pl": ["PL"], "sv": ["SE"], "tr": ["TR"]}

# ------------------------------------------------------------------ templates
# Slots: ${NAME} full name | ${GIVEN} given name | ${TSUR} title + surname (title not annotated)
#        ${TFULL} title + full name | ${SURNAME} | ${STREET} street line | ${POST} postal line
#        (postcode annotated, city not) | ${CITY} | ${DOB} birth date | ${DATE} other date (negative)
#        ${N} a small number (not personal)
T = {
"en": [
 "Hi, I am ${NAME} from ${STREET}, ${POST}, born ${DOB}.",
 "Hello team, my name is ${NAME} and I can't log in since ${DATE}.",
 "Dear ${TSUR},\nthank you for your order #${N}. It will ship to:\n${NAME}\n${STREET}\n${POST}",
 "Thanks for the quick fix!\n\nBest regards,\n${NAME}\nSenior Engineer",
 "${GIVEN}: can you send the invoice to ${STREET}, ${POST}?",
 "Ticket ${N}: customer ${NAME} (DOB ${DOB}) reports that the card was declined twice.",
 "User said: \"I'm ${GIVEN}, my date of birth is ${DOB} and I moved to ${STREET} last month.\"",
 "{\"customer_name\": \"${NAME}\", \"street\": \"${STREET}\", \"zip\": \"${ZIP}\", \"date_of_birth\": \"${DOB}\"}",
 "Please update the shipping address for ${TFULL} to ${STREET}, ${POST}.",
 "Spoke with ${NAME} today; she was born on ${DOB} and lives at ${STREET}.",
 "Hey ${GIVEN}, are we still on for ${WEEKDAY}?",
 "Patient: ${NAME}\nD.O.B.: ${DOB}\nAddress: ${STREET}, ${POST}",
 "Cheers,\n${GIVEN}",
 "Assigned to ${NAME}. Due date: ${DATE}.",
 "The contract with ${NAME} expires on ${DATE}; renewal notice goes to ${STREET}, ${POST}.",
 "Release ${N} ships on ${DATE}, after the freeze on ${DATE}.",
 "Our office moved to ${STREET}, ${POST} on ${DATE}.",
 "Birthday: ${DOB}. Name: ${NAME}.",
],
"de": [
 "Hallo, ich heiße ${NAME} und wohne in der ${STREET}, ${POST}. Geboren am ${DOB}.",
 "Sehr geehrte ${TSURF},\nvielen Dank für Ihre Bestellung Nr. ${N}. Lieferadresse:\n${NAME}\n${STREET}\n${POST}",
 "Sehr geehrter ${TSURM},\nanbei die Rechnung vom ${DATE}.",
 "Mit freundlichen Grüßen\n${NAME}\nKundenservice",
 "Liebe ${GIVENF}, bist du am ${WEEKDAY} im Büro?",
 "Ticket ${N}: Kunde ${NAME} (geb. ${DOB}) meldet, dass die Karte abgelehnt wurde.",
 "Mein Name ist ${NAME}, mein Geburtsdatum ist der ${DOB}.",
 "{\"kunde\": \"${NAME}\", \"strasse\": \"${STREET}\", \"plz\": \"${ZIP}\", \"geburtsdatum\": \"${DOB}\"}",
 "Bitte die Adresse von ${TFULL} auf ${STREET}, ${POST} ändern.",
 "Name: ${NAME}\nGeburtsdatum: ${DOB}\nAnschrift: ${STREET}, ${POST}",
 "Viele Grüße\n${GIVEN}",
 "Zuständig: ${NAME}. Fällig am ${DATE}.",
 "Der Vertrag läuft am ${DATE} aus; die Kündigung geht an ${STREET}, ${POST}.",
 "Version ${N} erscheint am ${DATE}, der Code-Freeze ist am ${DATE}.",
 "Unser Büro ist seit ${DATE} in der ${STREET}, ${POST}.",
 "Hi ${GIVEN}, kannst du ${NAME} zurückrufen?",
],
"fr": [
 "Bonjour, je m'appelle ${NAME}, j'habite au ${STREET}, ${POST}. Je suis né le ${DOB}.",
 "Madame, Monsieur,\nmerci pour votre commande n° ${N}. Adresse de livraison :\n${NAME}\n${STREET}\n${POST}",
 "Bonjour ${TSUR},\nveuillez trouver ci-joint la facture du ${DATE}.",
 "Cordialement,\n${NAME}\nService client",
 "Salut ${GIVEN}, on se voit ${WEEKDAY} ?",
 "Ticket ${N} : le client ${NAME} (né le ${DOB}) signale un refus de paiement.",
 "Mon nom est ${NAME}, date de naissance : ${DOB}.",
 "{\"nom_client\": \"${NAME}\", \"adresse\": \"${STREET}\", \"code_postal\": \"${ZIP}\", \"date_naissance\": \"${DOB}\"}",
 "Merci de modifier l'adresse de ${TFULL} : ${STREET}, ${POST}.",
 "Nom : ${NAME}\nDate de naissance : ${DOB}\nAdresse : ${STREET}, ${POST}",
 "Bien à vous,\n${GIVEN}",
 "Responsable : ${NAME}. Échéance : ${DATE}.",
 "Le contrat expire le ${DATE} ; le préavis est envoyé au ${STREET}, ${POST}.",
 "La version ${N} sort le ${DATE}, le gel du code est prévu le ${DATE}.",
 "Nos bureaux ont déménagé au ${STREET}, ${POST} le ${DATE}.",
 "Elle est née le ${DOB} à ${CITY}.",
],
"es": [
 "Hola, me llamo ${NAME} y vivo en ${STREET}, ${POST}. Nací el ${DOB}.",
 "Estimado ${TSURM}:\ngracias por su pedido n.º ${N}. Dirección de envío:\n${NAME}\n${STREET}\n${POST}",
 "Estimada ${TSURF}, le adjuntamos la factura del ${DATE}.",
 "Saludos cordiales,\n${NAME}\nAtención al cliente",
 "Hola ${GIVEN}, ¿nos vemos el ${WEEKDAY}?",
 "Incidencia ${N}: el cliente ${NAME} (fecha de nacimiento ${DOB}) indica que la tarjeta fue rechazada.",
 "Mi nombre es ${NAME}, nacido el ${DOB}.",
 "{\"nombre_cliente\": \"${NAME}\", \"direccion\": \"${STREET}\", \"codigo_postal\": \"${ZIP}\", \"fecha_nacimiento\": \"${DOB}\"}",
 "Por favor, actualicen la dirección de ${TFULL}: ${STREET}, ${POST}.",
 "Nombre: ${NAME}\nFecha de nacimiento: ${DOB}\nDomicilio: ${STREET}, ${POST}",
 "Un saludo,\n${GIVEN}",
 "Responsable: ${NAME}. Vence el ${DATE}.",
 "El contrato caduca el ${DATE}; el aviso se envía a ${STREET}, ${POST}.",
 "La versión ${N} sale el ${DATE} y la congelación de código es el ${DATE}.",
 "La oficina se trasladó a ${STREET}, ${POST} el ${DATE}.",
 "Atentamente, ${NAME}",
],
"it": [
 "Ciao, mi chiamo ${NAME} e abito in ${STREET}, ${POST}. Sono nato il ${DOB}.",
 "Gentile ${TSUR},\ngrazie per l'ordine n. ${N}. Indirizzo di spedizione:\n${NAME}\n${STREET}\n${POST}",
 "Egregio ${TSURM}, in allegato la fattura del ${DATE}.",
 "Cordiali saluti,\n${NAME}\nAssistenza clienti",
 "Ciao ${GIVEN}, ci vediamo ${WEEKDAY}?",
 "Ticket ${N}: il cliente ${NAME} (nato il ${DOB}) segnala un pagamento rifiutato.",
 "Il mio nome è ${NAME}, data di nascita ${DOB}.",
 "{\"nome_cliente\": \"${NAME}\", \"indirizzo\": \"${STREET}\", \"cap\": \"${ZIP}\", \"data_nascita\": \"${DOB}\"}",
 "Vi prego di aggiornare l'indirizzo di ${TFULL}: ${STREET}, ${POST}.",
 "Nome e cognome: ${NAME}\nData di nascita: ${DOB}\nIndirizzo: ${STREET}, ${POST}",
 "Un saluto,\n${GIVEN}",
 "Referente: ${NAME}. Scadenza: ${DATE}.",
 "Il contratto scade il ${DATE}; la disdetta va inviata a ${STREET}, ${POST}.",
 "La versione ${N} esce il ${DATE}, il blocco del codice è il ${DATE}.",
 "L'ufficio si è trasferito in ${STREET}, ${POST} il ${DATE}.",
 "Nata a ${CITY} il ${DOB}, ${NAME} lavora con noi dal ${DATE}.",
],
"nl": [
 "Hallo, ik heet ${NAME} en ik woon aan de ${STREET}, ${POST}. Geboren op ${DOB}.",
 "Geachte ${TSUR},\nbedankt voor uw bestelling nr. ${N}. Afleveradres:\n${NAME}\n${STREET}\n${POST}",
 "Beste ${GIVEN}, hierbij de factuur van ${DATE}.",
 "Met vriendelijke groet,\n${NAME}\nKlantenservice",
 "Hoi ${GIVEN}, zien we elkaar ${WEEKDAY}?",
 "Ticket ${N}: klant ${NAME} (geboortedatum ${DOB}) meldt dat de betaling is geweigerd.",
 "Mijn naam is ${NAME}, geboren op ${DOB}.",
 "{\"klantnaam\": \"${NAME}\", \"adres\": \"${STREET}\", \"postcode\": \"${ZIP}\", \"geboortedatum\": \"${DOB}\"}",
 "Wilt u het adres van ${TFULL} wijzigen naar ${STREET}, ${POST}?",
 "Naam: ${NAME}\nGeboortedatum: ${DOB}\nAdres: ${STREET}, ${POST}",
 "Groetjes,\n${GIVEN}",
 "Behandelaar: ${NAME}. Deadline: ${DATE}.",
 "Het contract loopt af op ${DATE}; de opzegging gaat naar ${STREET}, ${POST}.",
 "Versie ${N} verschijnt op ${DATE}, de code freeze is op ${DATE}.",
 "Ons kantoor zit sinds ${DATE} aan de ${STREET}, ${POST}.",
 "Mvg, ${NAME}",
],
"pt": [
 "Olá, meu nome é ${NAME} e moro na ${STREET}, ${POST}. Nasci em ${DOB}.",
 "Prezado ${TSURM},\nobrigado pela sua encomenda n.º ${N}. Morada de entrega:\n${NAME}\n${STREET}\n${POST}",
 "Cara ${TSURF}, segue em anexo a fatura de ${DATE}.",
 "Atenciosamente,\n${NAME}\nApoio ao cliente",
 "Oi ${GIVEN}, vamos nos ver na ${WEEKDAY}?",
 "Chamado ${N}: o cliente ${NAME} (data de nascimento ${DOB}) informa que o cartão foi recusado.",
 "Chamo-me ${NAME}, nascido em ${DOB}.",
 "{\"nome_cliente\": \"${NAME}\", \"endereco\": \"${STREET}\", \"cep\": \"${ZIP}\", \"data_nascimento\": \"${DOB}\"}",
 "Por favor, atualizem o endereço de ${TFULL}: ${STREET}, ${POST}.",
 "Nome: ${NAME}\nData de nascimento: ${DOB}\nEndereço: ${STREET}, ${POST}",
 "Abraço,\n${GIVEN}",
 "Responsável: ${NAME}. Prazo: ${DATE}.",
 "O contrato vence em ${DATE}; o aviso vai para ${STREET}, ${POST}.",
 "A versão ${N} sai em ${DATE}, o congelamento do código é em ${DATE}.",
 "O escritório mudou-se para ${STREET}, ${POST} em ${DATE}.",
 "Cumprimentos, ${NAME}",
],
"pl": [
 "Dzień dobry, nazywam się ${NAME}, mieszkam przy ${STREET}, ${POST}. Urodziłem się ${DOB}.",
 "Szanowna ${TSURF},\ndziękujemy za zamówienie nr ${N}. Adres dostawy:\n${NAME}\n${STREET}\n${POST}",
 "Szanowny ${TSURM}, w załączniku faktura z dnia ${DATE}.",
 "Pozdrawiam,\n${NAME}\nDział obsługi klienta",
 "Cześć ${GIVEN}, widzimy się w ${WEEKDAY}?",
 "Zgłoszenie ${N}: klient ${NAME} (data urodzenia ${DOB}) zgłasza odrzuconą płatność.",
 "Mam na imię ${GIVEN}, data urodzenia: ${DOB}.",
 "{\"imie_nazwisko\": \"${NAME}\", \"adres\": \"${STREET}\", \"kod_pocztowy\": \"${ZIP}\", \"data_urodzenia\": \"${DOB}\"}",
 "Proszę zmienić adres: ${TFULL}, ${STREET}, ${POST}.",
 "Imię i nazwisko: ${NAME}\nData urodzenia: ${DOB}\nAdres: ${STREET}, ${POST}",
 "Z poważaniem\n${NAME}",
 "Odpowiedzialny: ${NAME}. Termin: ${DATE}.",
 "Umowa wygasa ${DATE}; wypowiedzenie należy wysłać na adres ${STREET}, ${POST}.",
 "Wersja ${N} ukaże się ${DATE}, zamrożenie kodu ${DATE}.",
 "Biuro od ${DATE} mieści się przy ${STREET}, ${POST}.",
 "Pozdrawiam, ${GIVEN}",
],
"sv": [
 "Hej, jag heter ${NAME} och bor på ${STREET}, ${POST}. Född ${DOB}.",
 "Hej ${GIVEN},\ntack för din beställning nr ${N}. Leveransadress:\n${NAME}\n${STREET}\n${POST}",
 "Hej ${TSUR}, här kommer fakturan från ${DATE}.",
 "Med vänliga hälsningar\n${NAME}\nKundtjänst",
 "Tjena ${GIVEN}, ses vi på ${WEEKDAY}?",
 "Ärende ${N}: kunden ${NAME} (födelsedatum ${DOB}) uppger att kortet nekades.",
 "Mitt namn är ${NAME}, jag är född den ${DOB}.",
 "{\"kundnamn\": \"${NAME}\", \"adress\": \"${STREET}\", \"postnummer\": \"${ZIP}\", \"fodelsedatum\": \"${DOB}\"}",
 "Ändra adressen för ${TFULL} till ${STREET}, ${POST}.",
 "Namn: ${NAME}\nFödelsedatum: ${DOB}\nAdress: ${STREET}, ${POST}",
 "Mvh\n${GIVEN}",
 "Ansvarig: ${NAME}. Förfallodatum: ${DATE}.",
 "Avtalet löper ut ${DATE}; uppsägningen skickas till ${STREET}, ${POST}.",
 "Version ${N} släpps ${DATE}, kodfrysen börjar ${DATE}.",
 "Kontoret flyttade till ${STREET}, ${POST} den ${DATE}.",
 "Vänliga hälsningar, ${NAME}",
],
"tr": [
 "Merhaba, benim adım ${NAME}, adresim ${STREET}, ${POST}. Doğum tarihim ${DOB}.",
 "Sayın ${NAME},\n${N} numaralı siparişiniz için teşekkürler. Teslimat adresi:\n${NAME}\n${STREET}\n${POST}",
 "${TSUR}, ${DATE} tarihli fatura ektedir.",
 "Saygılarımla,\n${NAME}\nMüşteri Hizmetleri",
 "Selam ${GIVEN}, ${WEEKDAY} görüşüyor muyuz?",
 "Talep ${N}: müşteri ${NAME} (doğum tarihi ${DOB}) kartının reddedildiğini bildiriyor.",
 "Ben ${NAME}, ${DOB} doğumluyum.",
 "{\"musteri_adi\": \"${NAME}\", \"adres\": \"${STREET}\", \"posta_kodu\": \"${ZIP}\", \"dogum_tarihi\": \"${DOB}\"}",
 "Lütfen ${TFULL} için adresi ${STREET}, ${POST} olarak güncelleyin.",
 "Ad Soyad: ${NAME}\nDoğum Tarihi: ${DOB}\nAdres: ${STREET}, ${POST}",
 "Teşekkürler,\n${GIVEN}",
 "Sorumlu: ${NAME}. Son tarih: ${DATE}.",
 "Sözleşme ${DATE} tarihinde sona eriyor; fesih bildirimi ${STREET}, ${POST} adresine gönderilecek.",
 "${N} sürümü ${DATE} tarihinde yayınlanacak, kod dondurma ${DATE}.",
 "Ofisimiz ${DATE} tarihinden beri ${STREET}, ${POST} adresinde.",
 "İyi çalışmalar, ${NAME}",
],
}

SLOT = re.compile(r"\$\{([A-Z]+)\}")


def render(g: Gen, template: str, country: str):
    segs = []  # (text, type or None, negative?)
    pos = 0
    sex = g.sex()
    for m in SLOT.finditer(template):
        segs.append((template[pos:m.start()], None))
        k = m.group(1)
        r = g.rng
        if k == "NAME":
            nm, _ = g.full(sex)
            segs.append((nm, "person_name"))
        elif k in ("GIVEN", "GIVENF"):
            segs.append((g.given("f" if k == "GIVENF" else sex), "person_name"))
        elif k == "SURNAME":
            segs.append((g.surname(sex), "person_name"))
        elif k in ("TSUR", "TSURF", "TSURM"):
            sx = {"TSURF": "f", "TSURM": "m"}.get(k, sex)
            segs += [(g.title(sx) + " ", None), (g.surname(sx), "person_name")]
        elif k == "TFULL":
            segs += [(g.title(sex) + " ", None), (g.full(sex)[0], "person_name")]
        elif k == "STREET":
            segs.append((g.street(country), "street_address"))
        elif k == "POST":
            segs += g.postline(country)
        elif k == "ZIP":
            segs.append((g.postcode(country), "postal_code"))
        elif k == "CITY":
            segs.append((g.city(country), None))
        elif k == "DOB":
            segs.append((g.date(True), "date_of_birth"))
        elif k == "DATE":
            segs.append((g.date(False), "date_not_dob"))
        elif k == "WEEKDAY":
            segs.append((r.choice(WEEKDAYS[g.lang]), None))
        elif k == "N":
            segs.append((str(r.randint(1000, 99999999)) if r.random() < 0.5 else f"{r.choice('ABCKTX')}-{r.randint(10000, 999999)}", None))
        else:
            raise KeyError(k)
        pos = m.end()
    segs.append((template[pos:], None))
    text, spans, negs, b, c = "", [], [], 0, 0
    for s, t in segs:
        if t:
            rec = {"type": t, "start": b, "end": b + len(s.encode()), "cstart": c, "cend": c + len(s), "text": s}
            (negs if t == "date_not_dob" else spans).append(rec)
        text += s
        b += len(s.encode())
        c += len(s)
    return text, spans, negs


# ------------------------------------------------------------------ benign prose
PRODUCTS = ["Kubernetes", "PostgreSQL", "Redis", "Terraform", "GitHub Actions", "Visual Studio Code", "Excel", "Slack",
            "Jira", "Grafana", "Prometheus", "Docker Desktop", "Chrome", "Firefox", "Safari", "Android 15", "iOS 18",
            "Windows 11", "Ubuntu 24.04", "Debian 12", "Python 3.12", "Node.js 22", "Rust 1.80", "Java 21", "Ruby 3.3",
            "Julia 1.10", "Swift 6", "Kotlin 2.0", "React", "Django", "Flask", "Spring Boot", "Jenkins", "Ansible",
            "Elasticsearch", "Kafka", "RabbitMQ", "Nginx", "Apache HTTP Server", "SQLite", "MongoDB", "Figma", "Notion",
            "Zoom", "Teams", "Outlook", "Gmail", "Photoshop", "Blender", "Unity", "Unreal Engine", "Tesla Model 3",
            "Galaxy S24", "Pixel 9", "ThinkPad X1", "MacBook Air", "Surface Pro", "PlayStation 5", "Kindle", "Alexa",
            "Siri", "Cortana", "ChatGPT", "Copilot", "Claude", "Gemini", "Llama 3", "Mistral 7B", "Hugo", "Jekyll",
            "Sphinx", "Jasmine", "Mocha", "Jest", "Vue", "Svelte", "Angular", "Ember", "Phoenix", "Rails", "Laravel"]
WORLD_CITIES = ["Paris", "London", "Berlin", "Madrid", "Rome", "Amsterdam", "Lisbon", "Warsaw", "Stockholm", "Istanbul",
                "Vienna", "Prague", "Dublin", "Brussels", "Zurich", "Milan", "Barcelona", "Munich", "Lyon", "Porto",
                "Kraków", "Gothenburg", "Ankara", "Florence", "Sydney", "Austin", "Denver", "Boston", "Seattle",
                "Toronto", "São Paulo", "Charlotte", "Victoria", "Phoenix", "Jackson", "Lincoln", "Madison", "Regina",
                "Adelaide", "Nancy", "Lourdes", "Valencia", "Santiago", "Sofia", "Lima", "Savannah"]

B = {
"en": [
 "${AMBWORD} we ship the ${PRODUCT} upgrade before ${MONTH}? The changelog says yes.",
 "May I suggest moving the stand-up to ${WEEKDAY}?",
 "Will this work on ${PRODUCT}, or do we need a workaround?",
 "Mark the ticket as resolved once the ${PRODUCT} build is green.",
 "Bill the customer monthly unless they choose the annual plan.",
 "Rose gold is the most popular color for the ${PRODUCT} case.",
 "Revenue rose by ${N} percent in ${MONTH} compared with last year.",
 "Young developers often start with ${PRODUCT}.",
 "White space is significant in YAML, so indent with two spaces.",
 "Brown bread and green tea are on the menu every ${WEEKDAY}.",
 "Grant read access to the service account before deploying.",
 "Hope is not a strategy; add a retry with exponential backoff.",
 "Faith in the test suite comes from running it on every commit.",
 "Frank feedback from the review helped us simplify the API.",
 "Jack up the timeout to ${N} seconds if the network is slow.",
 "Amber alerts mean the disk is more than ${N} percent full.",
 "Crystal Reports was replaced by ${PRODUCT} dashboards.",
 "Ruby on Rails and ${PRODUCT} both ship with a test runner.",
 "Julia is a language for numerical computing.",
 "The conference takes place in ${CITY} in ${MONTH} ${YEAR}.",
 "Our team in ${CITY} handles support on ${WEEKDAY}s.",
 "Version ${VER} was released on ${RDATE} and fixes ${N} bugs.",
 "The ${MONTH} release adds dark mode to ${PRODUCT}.",
 "// TODO: remove this workaround after the ${MONTH} release",
 "# Will retry up to ${N} times before giving up.",
 "/* Mark all nodes reachable from the root as visited. */",
 "// May return null if the cache is cold.",
 "Set MAX_RETRIES to ${N} and TIMEOUT_MS to ${N}00.",
 "Call the endpoint /api/v${N}/orders with a valid token.",
 "The invoice is due on ${RDATE}; late fees apply after ${N} days.",
 "Backups run every ${WEEKDAY} at ${N}:00 UTC.",
 "Press Ctrl+Shift+P and type \"Reload Window\".",
 "Section ${N} of the manual explains the configuration file.",
 "Apple, Microsoft and Google announced new features in ${MONTH}.",
 "The ${PRODUCT} plugin supports ${N} languages, including German and French.",
 "Summer sales in ${CITY} peaked in ${MONTH}.",
 "April showers bring May flowers, as the saying goes.",
 "Dawn patrol starts at ${N} a.m. for the night shift.",
 "Grace periods last ${N} days after the subscription ends.",
 "Chase the root cause before patching the symptom.",
 "Miles per gallon improved after the firmware update.",
 "Don the safety gear before entering the server room.",
 "Sue the vendor? No, we escalate through the support contract first.",
 "Pat the dough flat and bake for ${N} minutes.",
 "Guy wires hold the antenna mast in place.",
 "Ray tracing is enabled by default in ${PRODUCT}.",
 "Hunter green and navy are the brand colors.",
 "Drew up the migration plan on ${WEEKDAY}; review it by ${RDATE}.",
 "Lily pads cover the pond behind the office in ${CITY}.",
 "Penny stocks are excluded from the index.",
 "Sandy beaches near ${CITY} attract tourists every ${MONTH}.",
 "Art direction for the ${PRODUCT} campaign is finished.",
 "Joy of coding: the build passed on the first try.",
 "Holly and ivy decorate the lobby in December.",
 "Major changes are listed in CHANGELOG.md under version ${VER}.",
 "Price changes take effect on ${RDATE}.",
 "King-size beds are available in all rooms.",
 "Little is known about the root cause so far.",
 "Best practices are documented in the wiki.",
 "Cook the rice for ${N} minutes, then let it rest.",
 "Baker Street station is closed for maintenance this ${WEEKDAY}.",
 "Park the car on level ${N} of the garage.",
 "Route ${N} is closed between exits ${N} and ${N}.",
 "Order ${N} was delivered on ${RDATE}.",
 "Build ${N} failed on ${PRODUCT} because of a flaky test.",
 "Temperatures in ${CITY} reached ${N} degrees on ${RDATE}.",
 "The meeting moved from ${WEEKDAY} to ${WEEKDAY}.",
],
"de": [
 "Ernst gemeint: Bitte das Update auf ${PRODUCT} vor ${MONTH} einspielen.",
 "Die Mark wurde ${YEAR} durch den Euro ersetzt.",
 "Der Wolf ist in Brandenburg wieder heimisch.",
 "Koch und Bäcker sind Ausbildungsberufe mit Zukunft.",
 "Der Bauer erntet im ${MONTH} den Weizen.",
 "Die Rose blüht von Juni bis September.",
 "Version ${VER} erscheint am ${RDATE} und behebt ${N} Fehler.",
 "Die Konferenz findet im ${MONTH} ${YEAR} in ${CITY} statt.",
 "Unser Team in ${CITY} ist am ${WEEKDAY} erreichbar.",
 "// TODO: Workaround nach dem ${MONTH}-Release entfernen",
 "# Versucht es bis zu ${N}-mal erneut.",
 "Setze MAX_RETRIES auf ${N} und das Timeout auf ${N}00 ms.",
 "Die Rechnung ist am ${RDATE} fällig.",
 "Backups laufen jeden ${WEEKDAY} um ${N}:00 Uhr.",
 "Abschnitt ${N} des Handbuchs beschreibt die Konfiguration.",
 "Weiß auf Schwarz ist schwer zu lesen.",
 "Klein, aber fein: das neue ${PRODUCT}-Plugin.",
 "Lange Wartezeiten gibt es vor allem im ${MONTH}.",
 "Jung und Alt nutzen ${PRODUCT} gleichermaßen.",
 "Braun gebrannte Touristen kehren aus ${CITY} zurück.",
 "Fischer fahren bei Sturm nicht hinaus.",
 "Im Sommer ist das Büro in ${CITY} nur vormittags besetzt.",
 "Der Winter ${YEAR} war ungewöhnlich mild.",
 "Bestellung ${N} wurde am ${RDATE} zugestellt.",
 "Build ${N} ist auf ${PRODUCT} fehlgeschlagen.",
 "Die Besprechung wurde von ${WEEKDAY} auf ${WEEKDAY} verschoben.",
 "Der Vertrag gilt bis ${RDATE}.",
 "Mai und Juni sind die regenreichsten Monate.",
 "Herr der Lage bleiben: erst messen, dann optimieren.",
 "Frank und frei: Die alte API war zu kompliziert.",
 "Der König zieht im Schach nur ein Feld.",
 "Das Glück liegt im Detail der Konfiguration.",
],
"fr": [
 "Pierre par pierre, l'équipe a migré vers ${PRODUCT}.",
 "La rose est la fleur la plus vendue en ${MONTH}.",
 "La version ${VER} sort le ${RDATE} et corrige ${N} bogues.",
 "La conférence a lieu à ${CITY} en ${MONTH} ${YEAR}.",
 "Notre équipe de ${CITY} répond le ${WEEKDAY}.",
 "// TODO : supprimer ce contournement après la version de ${MONTH}",
 "# Réessaie jusqu'à ${N} fois avant d'abandonner.",
 "Réglez MAX_RETRIES à ${N} et le délai à ${N}00 ms.",
 "La facture est payable le ${RDATE}.",
 "Les sauvegardes tournent chaque ${WEEKDAY} à ${N} h.",
 "La section ${N} du manuel décrit le fichier de configuration.",
 "Marine et blanc sont les couleurs de la marque.",
 "Aurore boréale visible ce ${WEEKDAY} dans le nord.",
 "Le boulanger ouvre à ${N} h tous les jours.",
 "Blanche comme neige, la nouvelle interface de ${PRODUCT} plaît.",
 "Petit à petit, l'oiseau fait son nid.",
 "La commande ${N} a été livrée le ${RDATE}.",
 "Le build ${N} a échoué sur ${PRODUCT}.",
 "La réunion passe du ${WEEKDAY} au ${WEEKDAY}.",
 "Le contrat est valable jusqu'au ${RDATE}.",
 "En ${MONTH}, les ventes de ${PRODUCT} ont doublé.",
 "Noël tombe un ${WEEKDAY} cette année.",
 "Claire et nette, la documentation de ${PRODUCT} est exemplaire.",
 "Le lion est le roi des animaux.",
 "Juste une remarque : le cache n'est pas vidé.",
 "Constance et patience sont nécessaires pour déboguer.",
],
"es": [
 "Paz y tranquilidad en la nueva versión de ${PRODUCT}.",
 "La luz del despacho se apaga a las ${N}.",
 "En abril llueve mucho en ${CITY}.",
 "El sol sale a las ${N} en ${MONTH}.",
 "La versión ${VER} sale el ${RDATE} y corrige ${N} errores.",
 "La conferencia es en ${CITY} en ${MONTH} de ${YEAR}.",
 "Nuestro equipo de ${CITY} atiende los ${WEEKDAY}.",
 "// TODO: quitar este parche después de la versión de ${MONTH}",
 "# Reintenta hasta ${N} veces antes de rendirse.",
 "Configure MAX_RETRIES en ${N} y el tiempo de espera en ${N}00 ms.",
 "La factura vence el ${RDATE}.",
 "Las copias de seguridad se ejecutan cada ${WEEKDAY} a las ${N}:00.",
 "La sección ${N} del manual explica la configuración.",
 "Blanca y radiante va la novia.",
 "La luna llena se verá el ${WEEKDAY}.",
 "Rosa y azul son los colores de la campaña.",
 "El pedido ${N} se entregó el ${RDATE}.",
 "La compilación ${N} falló en ${PRODUCT}.",
 "La reunión pasa del ${WEEKDAY} al ${WEEKDAY}.",
 "El contrato es válido hasta el ${RDATE}.",
 "Domingo de Ramos es festivo en ${CITY}.",
 "Gloria bendita: por fin compila.",
 "Esperanza de vida y salud pública son temas del informe.",
 "El mar estaba en calma en ${MONTH}.",
 "Clara mejora del rendimiento en ${PRODUCT}.",
 "Dulce de leche y café para el equipo de ${CITY}.",
],
"it": [
 "Donna, madre e lavoratrice: il tema del convegno di ${MONTH}.",
 "Il sole tramonta alle ${N} in ${MONTH}.",
 "La versione ${VER} esce il ${RDATE} e corregge ${N} errori.",
 "La conferenza si tiene a ${CITY} a ${MONTH} ${YEAR}.",
 "Il nostro team di ${CITY} risponde il ${WEEKDAY}.",
 "// TODO: rimuovere questo workaround dopo il rilascio di ${MONTH}",
 "# Riprova fino a ${N} volte prima di arrendersi.",
 "Impostare MAX_RETRIES a ${N} e il timeout a ${N}00 ms.",
 "La fattura scade il ${RDATE}.",
 "I backup girano ogni ${WEEKDAY} alle ${N}:00.",
 "La sezione ${N} del manuale descrive la configurazione.",
 "Rosa, bianco e verde sono i colori della campagna.",
 "Chiara la spiegazione, meno il codice.",
 "Stella polare e luna piena nella notte di ${MONTH}.",
 "Il leone è il simbolo di ${CITY}.",
 "Il gatto dorme sul server.",
 "L'ordine ${N} è stato consegnato il ${RDATE}.",
 "La build ${N} è fallita su ${PRODUCT}.",
 "La riunione passa da ${WEEKDAY} a ${WEEKDAY}.",
 "Il contratto è valido fino al ${RDATE}.",
 "Aurora boreale visibile al nord questo ${WEEKDAY}.",
 "Serena la serata a ${CITY}.",
 "Amico mio, il deploy è andato bene.",
 "Pace fatta tra frontend e backend.",
 "Fedele alla specifica, il parser rifiuta l'input.",
 "Vittoria netta della nuova pipeline su quella vecchia.",
],
"nl": [
 "Roos en tulp zijn de bekendste bloemen van het land.",
 "Storm verwacht op ${WEEKDAY}, dus werk thuis.",
 "De vloer van het kantoor in ${CITY} wordt in ${MONTH} vervangen.",
 "Versie ${VER} verschijnt op ${RDATE} en lost ${N} fouten op.",
 "De conferentie is in ${MONTH} ${YEAR} in ${CITY}.",
 "Ons team in ${CITY} is op ${WEEKDAY} bereikbaar.",
 "// TODO: workaround verwijderen na de ${MONTH}-release",
 "# Probeert het maximaal ${N} keer opnieuw.",
 "Zet MAX_RETRIES op ${N} en de timeout op ${N}00 ms.",
 "De factuur moet op ${RDATE} betaald zijn.",
 "Back-ups draaien elke ${WEEKDAY} om ${N}:00 uur.",
 "Hoofdstuk ${N} van de handleiding beschrijft de configuratie.",
 "Fleur je bureau op met een plant.",
 "De merel zingt al vroeg in ${MONTH}.",
 "De bakker en de visser staan op de markt.",
 "Bestelling ${N} is op ${RDATE} bezorgd.",
 "Build ${N} is mislukt op ${PRODUCT}.",
 "Het overleg verschuift van ${WEEKDAY} naar ${WEEKDAY}.",
 "Het contract loopt tot ${RDATE}.",
 "De koning opent het parlement in september.",
 "Hoop doet leven, maar tests geven zekerheid.",
 "Groen licht voor de migratie naar ${PRODUCT}.",
 "Job-specifieke instellingen staan in config.yaml.",
 "Kick-off van het project is op ${RDATE}.",
 "Mark de taak als klaar wanneer de build groen is.",
],
"pt": [
 "Rosa e azul são as cores da campanha.",
 "A luz do escritório apaga às ${N} horas.",
 "A versão ${VER} sai em ${RDATE} e corrige ${N} erros.",
 "A conferência acontece em ${CITY} em ${MONTH} de ${YEAR}.",
 "A nossa equipa de ${CITY} responde à ${WEEKDAY}.",
 "// TODO: remover este contorno depois da versão de ${MONTH}",
 "# Tenta novamente até ${N} vezes antes de desistir.",
 "Defina MAX_RETRIES como ${N} e o tempo limite como ${N}00 ms.",
 "A fatura vence em ${RDATE}.",
 "Os backups correm todas as ${WEEKDAY}s às ${N}:00.",
 "A secção ${N} do manual descreve a configuração.",
 "Clara melhoria de desempenho no ${PRODUCT}.",
 "Aurora boreal vista no norte em ${MONTH}.",
 "Glória ao time de QA: zero bugs abertos.",
 "A encomenda ${N} foi entregue em ${RDATE}.",
 "O build ${N} falhou no ${PRODUCT}.",
 "A reunião passou de ${WEEKDAY} para ${WEEKDAY}.",
 "O contrato é válido até ${RDATE}.",
 "Costa e serra são os destinos mais procurados em ${MONTH}.",
 "Silva, a planta, cresce rápido no jardim.",
 "Pereira e oliveira são árvores comuns em Portugal.",
 "O coelho fugiu do quintal.",
 "Campos obrigatórios estão marcados com asterisco.",
 "Leite e café para a equipa de ${CITY}.",
 "Paz e sossego na nova versão do ${PRODUCT}.",
],
"pl": [
 "Róża kwitnie od czerwca do września.",
 "Malina i jagoda to ulubione owoce dzieci.",
 "Wersja ${VER} ukaże się ${RDATE} i naprawia ${N} błędów.",
 "Konferencja odbędzie się w ${CITY} w ${MONTHNOM} ${YEAR} roku.",
 "Nasz zespół w ${CITY} odpowiada w ${WEEKDAY}.",
 "// TODO: usunąć obejście po wydaniu w ${MONTHNOM}",
 "# Ponawia próbę do ${N} razy.",
 "Ustaw MAX_RETRIES na ${N}, a limit czasu na ${N}00 ms.",
 "Faktura jest płatna do ${RDATE}.",
 "Kopie zapasowe wykonywane są w każdy ${WEEKDAY} o ${N}:00.",
 "Rozdział ${N} instrukcji opisuje konfigurację.",
 "Wilk i lis żyją w tym lesie.",
 "Król Artur to postać legendarna.",
 "Sowa pohukuje w nocy.",
 "Zamówienie ${N} dostarczono ${RDATE}.",
 "Kompilacja ${N} nie powiodła się na ${PRODUCT}.",
 "Spotkanie przeniesiono z ${WEEKDAY} na ${WEEKDAY}.",
 "Umowa obowiązuje do ${RDATE}.",
 "Nadzieja umiera ostatnia, ale testy trzeba napisać.",
 "Mazur to taniec narodowy.",
 "Wróbel usiadł na parapecie.",
 "Niedziela jest dniem wolnym od handlu.",
 "Kot śpi na serwerze.",
 "Czarny i biały to kolory logo.",
 "Sobota to dobry dzień na wdrożenie? Raczej nie.",
],
"sv": [
 "Björn och varg finns i de norra skogarna.",
 "Stig upp tidigt på ${WEEKDAY} för att hinna med tåget.",
 "Version ${VER} släpps ${RDATE} och rättar ${N} fel.",
 "Konferensen hålls i ${CITY} i ${MONTH} ${YEAR}.",
 "Vårt team i ${CITY} svarar på ${WEEKDAY}.",
 "// TODO: ta bort lösningen efter ${MONTH}-releasen",
 "# Försöker igen upp till ${N} gånger.",
 "Sätt MAX_RETRIES till ${N} och timeout till ${N}00 ms.",
 "Fakturan förfaller ${RDATE}.",
 "Säkerhetskopior körs varje ${WEEKDAY} klockan ${N}:00.",
 "Avsnitt ${N} i manualen beskriver konfigurationen.",
 "Berg och dal präglar landskapet.",
 "Ström bryts mellan ${N} och ${N} på ${WEEKDAY}.",
 "Björk och ek växer i parken.",
 "Beställning ${N} levererades ${RDATE}.",
 "Bygget ${N} misslyckades på ${PRODUCT}.",
 "Mötet flyttas från ${WEEKDAY} till ${WEEKDAY}.",
 "Avtalet gäller till ${RDATE}.",
 "Saga och verklighet blandas i filmen.",
 "Liv och hälsa går före allt.",
 "Dag för dag blir systemet stabilare.",
 "Storm väntas i ${CITY} på ${WEEKDAY}.",
 "Lund är känt för sitt universitet.",
 "Per person ingår frukost.",
 "Maj är en vacker månad i ${CITY}.",
],
"tr": [
 "Deniz bu ${WEEKDAY} çok sakindi.",
 "Umut her zaman vardır, ama testler daha güvenilirdir.",
 "Gül bahçesi ${MONTH} ayında açılıyor.",
 "Sürüm ${VER}, ${RDATE} tarihinde yayınlanıyor ve ${N} hatayı düzeltiyor.",
 "Konferans ${YEAR} ${MONTH} ayında ${CITY} şehrinde yapılacak.",
 "${CITY} ekibimiz ${WEEKDAY} günleri destek veriyor.",
 "// TODO: ${MONTH} sürümünden sonra bu geçici çözümü kaldır",
 "# Vazgeçmeden önce ${N} kez yeniden dener.",
 "MAX_RETRIES değerini ${N}, zaman aşımını ${N}00 ms yapın.",
 "Fatura ${RDATE} tarihinde ödenmelidir.",
 "Yedekler her ${WEEKDAY} saat ${N}:00'da alınır.",
 "Kılavuzun ${N}. bölümü yapılandırmayı anlatıyor.",
 "Yıldız ve ay bayrakta yer alır.",
 "Güneş bu sabah ${N}:${N} gibi doğdu.",
 "Sipariş ${N}, ${RDATE} tarihinde teslim edildi.",
 "${N} numaralı derleme ${PRODUCT} üzerinde başarısız oldu.",
 "Toplantı ${WEEKDAY} gününden ${WEEKDAY} gününe alındı.",
 "Sözleşme ${RDATE} tarihine kadar geçerlidir.",
 "Aslan ormanın kralıdır.",
 "Kaya gibi sağlam bir altyapı kurduk.",
 "Demir ve çelik sanayisi büyüyor.",
 "Bahar geldi, ${CITY} çiçek açtı.",
 "Barış ve huzur içinde bir hafta sonu.",
 "Yağmur yüzünden ${WEEKDAY} toplantısı iptal.",
 "Bulut hizmetleri ${PRODUCT} ile entegre.",
],
}
AMBWORD_EN = ["Can", "Will", "May", "Should", "Could", "Shall", "Must"]


def benign(g: Gen, template: str):
    r = g.rng
    def sub(m):
        k = m.group(1)
        if k == "MONTH":
            return r.choice(MONTHS_NOM_PL if g.lang == "pl" else MONTHS[g.lang])
        if k == "MONTHNOM":
            return r.choice(MONTHS_NOM_PL)
        if k == "WEEKDAY":
            return r.choice(WEEKDAYS[g.lang])
        if k == "PRODUCT":
            return r.choice(PRODUCTS)
        if k == "CITY":
            return r.choice(WORLD_CITIES)
        if k == "N":
            return str(r.randint(2, 99))
        if k == "VER":
            return f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
        if k == "YEAR":
            return str(r.randint(2019, 2030))
        if k == "RDATE":
            return g.date(False)
        if k == "AMBWORD":
            return r.choice(AMBWORD_EN)
        raise KeyError(k)
    return SLOT.sub(sub, template)


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--per-template", type=int, default=40)
    ap.add_argument("--benign-en", type=int, default=1000)
    ap.add_argument("--benign-other", type=int, default=200)
    ap.add_argument("--out", default=str(HERE))
    a = ap.parse_args()
    defs = load_defs()
    out = Path(a.out)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    (out / "benign").mkdir(parents=True, exist_ok=True)
    stats = {}
    for lang in LANGS:
        rng = random.Random(f"{a.seed}:{lang}")
        g = Gen(defs, lang, rng)
        n_spans = {}
        with open(out / "corpus" / f"{lang}.jsonl", "w", encoding="utf-8") as fh:
            i = 0
            for ti, t in enumerate(T[lang]):
                for _ in range(a.per_template):
                    country = rng.choice(COUNTRY[lang])
                    text, spans, negs = render(g, t, country)
                    for s in spans:
                        n_spans[s["type"]] = n_spans.get(s["type"], 0) + 1
                    n_spans["date_not_dob"] = n_spans.get("date_not_dob", 0) + len(negs)
                    fh.write(json.dumps({"id": f"{lang}-{i:05d}", "lang": lang, "country": country, "template": ti,
                                         "text": text, "spans": spans, "negatives": negs}, ensure_ascii=False) + "\n")
                    i += 1
        want = a.benign_en if lang == "en" else a.benign_other
        seen, tries = [], 0
        seen_set = set()
        while len(seen) < want and tries < want * 200:
            tries += 1
            t = rng.choice(B[lang])
            s = benign(g, t)
            if s not in seen_set:
                seen_set.add(s)
                seen.append(s)
        with open(out / "benign" / f"{lang}.jsonl", "w", encoding="utf-8") as fh:
            for j, s in enumerate(seen):
                fh.write(json.dumps({"id": f"{lang}-b{j:05d}", "lang": lang, "kind": "benign", "text": s, "spans": []},
                                    ensure_ascii=False) + "\n")
        stats[lang] = {"records": i, "templates": len(T[lang]), "benign": len(seen), "benign_templates": len(B[lang]), **n_spans}
    (out / "corpus" / "STATS.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False))
    for k, v in stats.items():
        print(k, v)


if __name__ == "__main__":
    main()
