"""Polish language data for the name and frame rules: word lists, not code.

Countries come from pycountry's Polish names (see gazetteer.py); the sets here are the words
that announce names (titles), the heads of organisation names, and the case government of
prepositions.
"""
from __future__ import annotations

import re
from functools import lru_cache

ABBREVIATIONS = {"r", "im", "św", "ul", "nr", "dn", "ws", "np", "tzw", "m.in", "b.r", "br", "p", "sz", "ok", "godz",
                  "tj", "prof", "dr", "hab", "inż", "mgr", "ks", "pl", "al", "tel", "wg", "ds", "jw", "pt", "tys",
                  "mln", "m", "in", "oprac", "fot", "red"}
NAME_LABELS = {"imię", "nazwisko", "nazwa_geograficzna", "nazwa_organizacji", "człon_nazwy_geograficznej"}
CASES = ("nom", "gen", "dat", "acc", "inst", "loc", "voc")
# Prepositions and the cases they govern: narrows the case of the name that follows.
PREPOSITION_CASES = {
    "w": {"loc", "acc"}, "we": {"loc", "acc"}, "z": {"gen", "inst"}, "ze": {"gen", "inst"}, "do": {"gen"},
    "od": {"gen"}, "dla": {"gen"}, "u": {"gen"}, "koło": {"gen"}, "na": {"loc", "acc"}, "o": {"loc", "acc"},
    "przy": {"loc"}, "po": {"loc"}, "przez": {"acc"}, "między": {"inst"}, "nad": {"inst"}, "pod": {"inst"},
    "przed": {"inst"}, "za": {"inst", "acc"}, "wśród": {"gen"}, "spośród": {"gen"},
}
# Title words (any case, by lemma) that announce a person's name next to them.
TITLES = {"prezydent", "wiceprezydent", "burmistrz", "wiceburmistrz", "mer", "radny", "radna", "sekretarz",
          "ambasador", "przewodniczący", "przewodnicząca", "zastępca", "starosta", "wicestarosta", "wójt",
          "konsul", "dyrektor", "dyrektorka", "prezes", "skarbnik", "naczelnik", "marszałek", "wojewoda",
          "poseł", "posłanka", "senator", "minister", "premier", "gubernator", "członek", "członkini",
          "sopranistka", "dyrygent", "wiceprzewodniczący", "pan", "pani", "lekarz", "lekarka", "nauczyciel",
          "nauczycielka", "kierownik", "kierowniczka", "rektor", "prorektor", "dziekan", "profesor", "komendant",
          "koordynator", "koordynatorka", "doradca", "przedstawiciel", "przedstawicielka", "zastępczyni",
          "wicemarszałek", "wicewojewoda", "inspektor", "radca", "nadburmistrz", "wicestarosta", "sołtys", "szef",
          "szefowa", "wiceprzewodnicząca", "przewodnicząca", "konsul generalny"}
# Head nouns of organisation names.
ORG_HEADS = {"rada", "liceum", "szkoła", "chór", "stowarzyszenie", "parlament", "urząd", "uniwersytet", "filharmonia",
             "orkiestra", "komisja", "kancelaria", "starostwo", "samorząd", "fundusz", "muzeum", "zespół", "teatr",
             "fundacja", "związek", "ośrodek", "centrum", "instytut", "akademia", "politechnika", "wydział",
             "ambasada", "konsulat", "biuro", "galeria", "biblioteka", "klub", "towarzystwo", "izba", "kongres",
             "sejmik", "zarząd", "spółka", "przedszkole", "gimnazjum", "technikum", "ministerstwo", "agencja",
             "szpital", "policja", "straż", "komenda", "kapela", "studio", "dom", "parafia", "bank",
             "uczelnia", "zakład", "hotel", "rejon", "powiat", "zajezdnia", "browar", "ziomkostwo", "gimnazjum", "państwowy", "międzynarodowy", "dziecięcy", "ogólnopolski"}
# Heads of foreign bodies' names, kept as printed ("Freies Gymnasium Sankt Konrad", "Liceo Scientifico
# Galilei", "Stiftland-Gymnasium"): schools, universities, associations, choirs of partner towns.
FOREIGN_ORG_HEADS = {"gymnasium", "realschule", "gesamtschule", "grundschule", "oberschule", "hochschule", "schule",
                     "universität", "akademie", "verein", "stiftung", "orchester", "chor", "liceo", "istituto", "scuola",
                     "lycée", "collège", "école", "université", "gimnazija", "škola", "gymnázium", "gimnázium",
                     "iskola", "lyceum", "school", "college", "university", "academy"}
ADJ_BEFORE_HEAD = {"państwowy", "międzynarodowy", "dziecięcy", "ogólnopolski", "miejski", "wojewódzki",
                    "powiatowy", "europejski", "polski", "narodowy"}
# ("z" is not among them: "Chór Kameralny z Opola" is the choir from Opole, not its name)
NAME_CONNECTORS = {"i", "im", ".", "nr", "w", "we", "na", "ds", "-", "pod", "dla", "o", "von", "van", "de", "der", "di"}
NOT_NAMES = {"Wersja", "Fot", "Foto", "Zdjęcia", "Źródło", "Tekst", "Autor", "Oprac", "Dzień", "Dni", "Święto", "Rok", "Szanowny", "Szanowna",
              "Pan", "Pani", "Państwo", "Z", "W", "Do", "Na", "Od", "Przez", "Podczas", "Jest", "To", "Ta", "Ten"}


# Countries: pycountry's Polish names (ISO 3166-1 translated), shortened to the common form
# ("Iran, Islamska Republika" -> "Iran"), plus the short names Polish news actually use.
COMMON_COUNTRY_NAMES = {
    "RU": "Rosja", "KR": "Korea Południowa", "KP": "Korea Północna", "VA": "Watykan", "GB": "Wielka Brytania",
    "US": "Stany Zjednoczone", "CZ": "Czechy", "MK": "Macedonia Północna", "SY": "Syria", "LA": "Laos",
}
COUNTRY_ALIASES = {
    "Chińska Republika Ludowa": "CN", "ChRL": "CN", "USA": "US", "Zjednoczone Królestwo": "GB", "Republika Federalna Niemiec": "DE",
    "RFN": "DE", "Republika Czeska": "CZ", "Niderlandy": "NL", "Federacja Rosyjska": "RU", "Macedonia": "MK",
    "Bośnia": "BA", "Korea": "KR", "Republika Korei": "KR", "Anglia": "GB-ENG", "Szkocja": "GB-SCT", "Walia": "GB-WLS",
}
_PARTS_OF_COUNTRIES = {"GB-ENG": "Anglia", "GB-SCT": "Szkocja", "GB-WLS": "Walia"}
# Adjectives of nationality (by lemma) that say which country a place is in: "w niemieckim mieście Hamm".
COUNTRY_ADJECTIVES = {
    "niemiecki": "DE", "czeski": "CZ", "słowacki": "SK", "węgierski": "HU", "ukraiński": "UA", "litewski": "LT",
    "francuski": "FR", "włoski": "IT", "bułgarski": "BG", "chorwacki": "HR", "serbski": "RS", "holenderski": "NL",
    "belgijski": "BE", "duński": "DK", "szwedzki": "SE", "norweski": "NO", "fiński": "FI", "łotewski": "LV",
    "estoński": "EE", "białoruski": "BY", "rosyjski": "RU", "rumuński": "RO", "austriacki": "AT",
    "szwajcarski": "CH", "hiszpański": "ES", "portugalski": "PT", "brytyjski": "GB", "angielski": "GB",
    "amerykański": "US", "chiński": "CN", "japoński": "JP", "gruziński": "GE", "mołdawski": "MD",
    "słoweński": "SI", "turecki": "TR", "izraelski": "IL", "grecki": "GR", "irlandzki": "IE", "kanadyjski": "CA",
    "polski": "PL", "szkocki": "GB", "walijski": "GB", "macedoński": "MK", "czarnogórski": "ME", "albański": "AL",
    "armeński": "AM", "kazachski": "KZ", "koreański": "KR", "indyjski": "IN", "meksykański": "MX",
    "brazylijski": "BR", "argentyński": "AR", "luksemburski": "LU", "islandzki": "IS", "maltański": "MT",
    "cypryjski": "CY", "bośniacki": "BA", "azerski": "AZ", "wietnamski": "VN", "mongolski": "MN",
}


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """Polish country names and aliases -> (canonical Polish name, ISO 3166 code)."""
    import gettext

    import pycountry

    polish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["pl"])
    canonical = {}
    for country in pycountry.countries:
        name = polish.gettext(country.name)
        short = re.split(r",| - | \(", name)[0].strip()
        canonical[country.alpha_2] = COMMON_COUNTRY_NAMES.get(country.alpha_2, short)
    names = {}
    for country in pycountry.countries:
        code = country.alpha_2
        full = polish.gettext(country.name)
        for text in {full, re.split(r",| - | \(", full)[0].strip(), canonical[code]}:
            if not re.search(r"[,()]", text):
                names[text] = (canonical[code], code)
    for alias, code in COUNTRY_ALIASES.items():
        names[alias] = (_PARTS_OF_COUNTRIES.get(code) or canonical[code], code.split("-")[0])
    return names


@lru_cache(maxsize=1)
def foreign_given_names() -> frozenset[str]:
    """Given names of Europe and beyond, lower case, from gender-guesser's nam_dict.txt (Jörg
    Michael's list of ~48,000 names, GFDL): the foreign first names Morfeusz does not know
    ("Bernd", "Vytautas", "Zoltán")."""
    from gender_guesser.detector import Detector

    return frozenset(name for name in Detector(case_sensitive=False).names if name.isalpha())


# A town's own council and office, named without the town: in its own news they are its own.
TOWN_BODIES = {"rada miejska", "rada miasta", "rada gminy", "rada miasta i gminy", "urzad miasta", "urzad miejski",
               "urzad gminy", "urzad miasta i gminy", "kancelaria prezydenta miasta", "kancelaria burmistrza miasta",
               "biuro prezydenta miasta", "gabinet prezydenta miasta", "gabinet burmistrza miasta"}
# Offices named after the official they serve: "Kancelaria Prezydenta Miasta", "Gabinet Burmistrza".
OFFICE_HEADS = {"kancelaria", "biuro", "gabinet", "sekretariat"}

# Forms of address before a name, never part of it: "Prezydent Miasta Rzeszowa Pan Tadeusz Ferenc", "Panią Olgę".
# Degrees and clerical titles between a post and a name: "Burmistrz, Pan dr Holger Vogel", "ks. Jan Lis".
ACADEMIC_TITLES = {"dr", "prof", "hab", "mgr", "inż", "lek", "ks", "o"}
FORMS_OF_ADDRESS = {"pan", "pana", "panu", "panem", "panie", "pani", "panią", "państwo", "państwa"}
# Nouns that introduce a town's name: "w mieście Martin", "z gminą Beli Monastir", "do miejscowości X".
TOWN_NOUNS = {"miasta", "mieście", "miastem", "miasto", "gminy", "gminie", "gminą", "gmina", "gminę", "miejscowości",
              "miejscowość", "wsi", "wieś"}
