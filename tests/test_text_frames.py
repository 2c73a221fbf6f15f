"""Visit frames and title phrases, one construction per row; every sentence is written for these tests."""
import pytest

from kgraph.text.extract import make_extractor
from kgraph.text.readers import read_text


@pytest.fixture(scope="module")
def extractor():
    return make_extractor(home="Kalisz")


def extract(extractor, sentence):
    return extractor.extract(next(read_text(f"Wiadomość\n5 maja 2024\n{sentence}", "t.txt")))


VISITS = [
    # a relative clause: only its antecedent travelled
    ("Burmistrz Jan Nowak zaprosił gości z Trzebnicy. Przyjechał też Piotr Lis, który w czerwcu odwiedził Opole.",
     {("Piotr Lis", "Opole")}, {("Jan Nowak", "Opole")}),
    # the subject after an arrival verb, the place before it
    ("W Lesznie przebywała delegacja z Kitzingen.", {("Kitzingen", "Leszno")}, set()),
    ("Do Gniezna przyjechał burmistrz Tomasz Wolf.", {("Tomasz Wolf", "Gniezno")}, set()),
    # a delegation named by its town's adjective is the publishing town's
    ("Kaliska delegacja przebywała w Martinie.", {("Kalisz", "Martin")}, set()),
    # a school's people as the subject after the verb; a body coordinated with it; a body without its people
    ("Do Opola pojechali uczniowie i nauczyciele Szkoły Podstawowej nr 2 oraz Gimnazjum nr 5.",
     {("Szkoła Podstawowa nr 2", "Opole"), ("Gimnazjum nr 5", "Opole")}, set()),
    ("Do Opola przyjechał dyrektor Jan Nowak, a o wizycie pisał Kurier Opolski.",
     {("Jan Nowak", "Opole")}, {("Kurier Opolski", "Opole")}),
    # a participle clause about the person before it; being somewhere is not a visit
    ("Burmistrz Jan Kos, będąc w zeszłym roku z wizytą w Kitzingen, zaprosił gości do Kalisza.",
     {("Jan Kos", "Kitzingen")}, set()),
    ("Anna Lis, będąc w zarządzie spółki w Opolu, nie przyjechała.", set(), {("Anna Lis", "Opole")}),
    # a relative clause placing its antecedent by what it did there, not by where it lives
    ("Dziękujemy tancerzom z Zespołu Tańca Ludowego Jedlina, którzy w Erfurcie wystąpili na festiwalu.",
     {("Zespół Tańca Ludowego Jedlina", "Erfurt")}, set()),
    ("Gościem był Jan Kowal, który w Opolu mieszka od lat.", set(), {("Jan Kowal", "Opole")}),
]


@pytest.mark.parametrize("sentence, present, absent", VISITS)
def test_visit_frames(extractor, sentence, present, absent):
    found = {(v["visitor"], v["place"]) for v in extract(extractor, sentence)["visits"]}
    assert present <= found
    assert not (absent & found)


ROLES = [
    ("Spotkanie otworzył Prezydent Miasta Rzeszowa Pan Tadeusz Lis.", ("Tadeusz Lis", "prezydent", "Rzeszów")),
    ("W składzie: Burmistrz Śmigla - Anna Kowal, radna Ewa Sowa.", ("Anna Kowal", "burmistrz", "Śmigiel")),
    ("Gości powitał Zastępca Burmistrza Gminy Trzebnica Marek Kos.", ("Marek Kos", "zastępca burmistrza", "Trzebnica")),
    ("Przemawiał Prezydent Jan Wrona.", ("Jan Wrona", "prezydent", "Kalisz")),  # a bare office is the home town's
    # one title and body before two names: both hold it
    ("Gości przywitali wiceprzewodniczący Rady Miejskiej Opola Jan Nowak i Piotr Lis.",
     ("Piotr Lis", "wiceprzewodniczący", "Rada Miejska Opola")),
]


@pytest.mark.parametrize("sentence, role", ROLES)
def test_title_phrases(extractor, sentence, role):
    assert role in {(r["person"], r["role"], r["of"]) for r in extract(extractor, sentence)["roles"]}


# A dash-led member list with titles before each name, a relative clause about the host,
# and a foreign place no gazetteer knows: all written for this test.
MEMBER_LIST = ("Opolską delegację w składzie: Burmistrz Opola - Anna Kowal, Przewodniczący Rady Miejskiej Opola - "
               "Jan Sowa oraz Zastępca Burmistrza Opola - Piotr Wrona, zaprosił do Kőszegfalva Burmistrz miasta - "
               "Kovács Béla, który w maju odwiedził Opole.")


def test_member_list_with_titles_and_a_relative_clause():
    record = make_extractor().extract(  # the publishing town, Opole, is read from the text
        next(read_text(f"Wiadomość\n5 czerwca 2024\n{MEMBER_LIST}", "t.txt")))
    visits = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert {("Opole", "Kőszegfalva"), ("Anna Kowal", "Kőszegfalva"), ("Jan Sowa", "Kőszegfalva"),
            ("Piotr Wrona", "Kőszegfalva"), ("Kovács Béla", "Opole")} <= visits
    assert ("Kovács Béla", "Kőszegfalva") not in visits  # the host
    roles = {(r["person"], r["role"], r["of"]) for r in record["roles"]}
    assert {("Anna Kowal", "burmistrz", "Opole"), ("Jan Sowa", "przewodniczący", "Rada Miejska Opola"),
            ("Piotr Wrona", "zastępca burmistrza", "Opole")} <= roles


SCENES = [
    # a meeting at a place named first, its participants after the verb, towns in brackets after countries
    ("W dniach 3-4 maja w Opolu spotkali się przedstawiciele miast partnerskich z Francji (Meudon) oraz Niemiec "
     "(Haldensleben).", {("Meudon", "Opole"), ("Haldensleben", "Opole")}),
    # the scene set by one sentence, the participants named in the next
    ("W dniach 1-3 października w Kitzingen odbył się jubileusz partnerstwa. W obchodach uczestniczyli radna "
     "Anna Kowal oraz Jan Sowa.", {("Anna Kowal", "Kitzingen"), ("Jan Sowa", "Kitzingen")}),
    # a town represented by people listed after "w osobach:"
    ("Jak co roku w Hürth spotkały się delegacje miast partnerskich. Miasto Opole reprezentowali radni w osobach: "
     "Anna Kowal i Jan Sowa.", {("Opole", "Hürth"), ("Anna Kowal", "Hürth"), ("Jan Sowa", "Hürth")}),
]


@pytest.mark.parametrize("text, expected", SCENES)
def test_scenes_and_participants(extractor, text, expected):
    assert expected <= {(v["visitor"], v["place"]) for v in extract(extractor, text)["visits"]}


def test_a_videoconference_is_no_visit(extractor):
    text = "Burmistrz Jan Sowa spotkał się podczas wideokonferencji z przedstawicielami miast partnerskich z Chrudimia."
    assert extract(extractor, text)["visits"] == []


def test_the_days_of_a_visit_told_in_another_sentence(extractor):
    text = ("Delegacja z miasta partnerskiego Nordhausen gościła w Opolu. Wizyta odbyła się w dniach od 9 do 12 "
            "listopada 2022 r.")
    visits = {(v["visitor"], v["place"], v["start"], v["end"]) for v in extract(extractor, text)["visits"]}
    assert ("Nordhausen", "Opole", "2022-11-09", "2022-11-12") in visits


NAMES_AND_TITLES = [
    # a foreign first name with an undeclined surname stays as printed; the title needs no comma
    ("Mówił Kai Brandt Nadburmistrz Nordhausen.", ("Kai Brandt", "nadburmistrz", "Nordhausen")),
    ("Gospodarzem była Burmistrz Miasta Waldbröl Larissa Weber.", ("Larissa Weber", "burmistrz", "Waldbröl")),
    # an apposition in the genitive declines the foreign first name too
    ("Z inicjatywy Christiana Springfeld, Burmistrza Miasta Springe podpisano list.",
     ("Christian Springfeld", "burmistrz", "Springe")),
    # a starosta's adjective is the county
    ("Głos zabrał wicestarosta kielecki Zenon Janus.", ("Zenon Janus", "wicestarosta", "Powiat Kielecki")),
]


@pytest.mark.parametrize("sentence, role", NAMES_AND_TITLES)
def test_foreign_names_and_their_titles(extractor, sentence, role):
    assert role in {(r["person"], r["role"], r["of"]) for r in extract(extractor, sentence)["roles"]}


def test_a_plural_title_is_not_the_previous_persons():
    record = make_extractor(home="Opole").extract(next(read_text(
        "Wiadomość\n5 maja 2024\nObecni byli prezydent Jan Wrona, radni oraz urzędnicy.", "t.txt")))
    assert {(r["person"], r["role"]) for r in record["roles"]} == {("Jan Wrona", "prezydent")}


def test_our_town_as_the_fronted_object_and_our_people_as_hosts():
    text = ("Naszą gminę odwiedziła delegacja z miasta partnerskiego Swietłyj w Rosji. Naszą gminę reprezentował "
            "Zastępca Burmistrza Rafał Kubacki.")
    record = make_extractor(home="Pasłęk").extract(next(read_text(f"Wizyta\n5 maja 2024\n{text}", "t.txt")))
    assert {(v["visitor"], v["place"]) for v in record["visits"]} == {("Swietłyj", "Pasłęk")}
    assert "Rafał Kubacki" in {e["name"] for e in record["entities"]}


def test_a_verb_that_looks_like_a_title_names_no_post(extractor):
    roles = extract(extractor, "Delegacji przewodniczył Siergiej Biewz - Przewodniczący Rady Deputowanych.")["roles"]
    assert {(r["person"], r["role"], r["of"]) for r in roles} == {("Siergiej Biewz", "przewodniczący", "Rada Deputowanych")}


def test_an_unnamed_host_is_the_publishing_town():
    text = ("Podczas Dni Miasta gościliśmy delegacje z miast partnerskich: Hajdúdorog na Węgrzech oraz z Miasta "
            "Sławuta na Ukrainie i Związku Polaków – Oddział w Sławucie.")
    record = make_extractor(home="Lubartów").extract(next(read_text(f"Goście\n5 maja 2024\n{text}", "t.txt")))
    assert {("Hajdúdorog", "Lubartów"), ("Sławuta", "Lubartów")} <= {(v["visitor"], v["place"]) for v in record["visits"]}


def test_participants_are_the_subject_not_the_event_after_the_verb():
    text = ("Do Opola przyjechała delegacja z Kitzingen. Delegacja z przewodniczącym tamtejszej Rady Miasta, Janem "
            "Sową, wzięła udział w uroczystej sesji Rady Miasta.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Goście\n5 maja 2024\n{text}", "t.txt")))
    visitors = {v["visitor"] for v in record["visits"]}
    assert "Jan Sowa" in visitors and not any(v.startswith("Rada") for v in visitors)


COMING_HERE = [
    ("W dniu 27 maja 2013 do naszej szkoły przyjechali licealiści z Boden w Szwecji.", ("Boden", "Opole")),
    ("Ahoj! W dniach 26-30 maja gościliśmy uczniów i nauczycielki z miejscowości Martin na Słowacji.", ("Martin", "Opole")),
]


@pytest.mark.parametrize("text, visit", COMING_HERE)
def test_coming_here_from_a_named_town(text, visit):
    record = make_extractor(home="Opole").extract(next(read_text(f"Goście\n5 czerwca 2024\n{text}", "t.txt")))
    assert visit in {(v["visitor"], v["place"]) for v in record["visits"]}


ORGANISATIONS = [
    ("Wystąpił chór „Retro” z Gniezna.", "Retro"),  # a group's name after a common noun, in quotes
    ("Zagrał koncert leszczyńskiej grupy wokalnej Arabeska, działającej przy ośrodku.", "Arabeska"),  # or not
    ("Uczniowie II LO w Kaliszu pojechali do Martina.", "II LO w Kaliszu"),  # a numeral and an acronym
    ("Przemówił przewodniczący Krajowego Związku Brzeżan.", "Krajowy Związek Brzeżan"),  # the noun, not a surname
    ("Dyrektor Wydziału Organizacyjno-Prawnego w Urzędzie Gminy mówił.", "Wydział Organizacyjno-Prawny"),
]


@pytest.mark.parametrize("sentence, name", ORGANISATIONS)
def test_organisation_names(extractor, sentence, name):
    assert name in {e["name"] for e in extract(extractor, sentence)["entities"] if e["type"] == "Organization"}


def test_two_bodies_joined_by_i_are_two(extractor):
    names = {e["name"] for e in extract(extractor, "Przyjechali goście z UAM i PWSZ w Kaliszu.")["entities"]}
    assert "UAM" in names and not any(n.startswith("UAM i") for n in names)


TOWN_NOUN_NAMES = [
    ("Odnowiono stosunki partnerskie z gminą Beli Monastir.", "City", "Beli Monastir"),  # a town, though "Bela" is a name
    ("Złożono kwiaty na grobie patrona naszego miasta Wojciecha Kętrzyńskiego.", "Person", "Wojciech Kętrzyński"),
    ("Przyjechał burmistrz miasta Jan Sowa.", "Person", "Jan Sowa"),  # a town noun inside a title
]


@pytest.mark.parametrize("sentence, kind, name", TOWN_NOUN_NAMES)
def test_names_after_a_town_noun(extractor, sentence, kind, name):
    assert (kind, name) in {(e["type"], e["name"]) for e in extract(extractor, sentence)["entities"]}


def test_a_trip_to_a_country_goes_to_the_one_town_named_there():
    text = ("Wójt gminy Opole Jan Sowa oraz dyrektor Anna Kowal z Urzędu Gminy wybrali się do Chorwacji, a udali się "
            "tam, by odnowić stosunki partnerskie z gminą Beli Monastir.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Wyjazd\n5 czerwca 2024\n{text}", "t.txt")))
    visits = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert {("Jan Sowa", "Beli Monastir"), ("Anna Kowal", "Beli Monastir")} <= visits
    assert not any(visitor.startswith("Urząd") for visitor, _ in visits)


def test_the_publishing_towns_council_named_without_the_town():
    text = ("Podczas Uroczystej Sesji Rady Miejskiej Burmistrz Jan Sowa wręczył nagrody. "
            "Gości z Balatonfűzfő przyjęto w Hotelu Racibor.")
    record = make_extractor(home="Śmigiel").extract(next(read_text(f"Sesja\n5 czerwca 2024\n{text}", "t.txt")))
    organisations = {e["name"] for e in record["entities"] if e["type"] == "Organization"}
    assert {"Rada Miejska Śmigla", "Hotel Racibor"} <= organisations


@pytest.mark.parametrize("town, form", [("Śmigiel", "Śmigla"), ("Ostrów Wielkopolski", "Ostrowa Wielkopolskiego"),
                                        ("Kalisz", "Kalisza"), ("Waldbröl", None)])
def test_genitive_of_a_town(town, form):
    from kgraph.text.morphology import genitive

    assert genitive(town) == form


def test_participants_dated_by_the_heading_before_them():
    text = ("6 maja 2024 - Dni Miasta Koszyce\n6 maja odbyło się świętowanie rocznicy nadania herbu Miasta Koszyce. "
            "W obchodach uczestniczyli Prezydent Miasta Opola Pan Jan Sowa oraz radna Anna Kowal.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Współpraca z Koszycami\nbrak daty\n{text}", "t.txt")))
    assert {("Jan Sowa", "Koszyce", "2024-05-06"), ("Anna Kowal", "Koszyce", "2024-05-06")} <= {
        (v["visitor"], v["place"], v["start"]) for v in record["visits"]}


def test_the_year_of_br_comes_from_the_text_when_no_date_line_gives_it(extractor):
    text = "Pan Jan Sowa odwiedził Tarnów dnia 24 sierpnia br. Umowę podpisano 12 sierpnia 2017 roku."
    record = extractor.extract(next(read_text(f"Wizyta\nbrak daty\n{text}", "t.txt")))
    assert ("Jan Sowa", "Tarnów", "2017-08-24") in {(v["visitor"], v["place"], v["start"]) for v in record["visits"]}


QUALIFIED_TITLES = [
    ("Spotkał się z zastępcą prezydenta ds. rozwoju gospodarczego Panem Piotrem Wroną.",
     ("Piotr Wrona", "zastępca prezydenta", "Opole")),
    ("Wiceprzewodniczący Rady Miejskiej w Białej Cerkwi, Pan Anatolii Honchar odwiedził Opole.",
     ("Anatolii Honchar", "wiceprzewodniczący", "Rada Miejska w Białej Cerkwi")),
]


@pytest.mark.parametrize("sentence, role", QUALIFIED_TITLES)
def test_titles_with_a_qualifier_or_a_comma_before_the_name(sentence, role):
    record = make_extractor(home="Opole").extract(next(read_text(f"Wizyta\n5 czerwca 2024\n{sentence}", "t.txt")))
    assert role in {(r["person"], r["role"], r["of"]) for r in record["roles"]}


def test_what_a_delegation_visits_is_not_where_it_comes_from(extractor):
    text = "Podczas wizyty w Opolu delegacja odwiedziła także Teatr Stary."
    assert not any(v["visitor"] == "Teatr Stary" for v in extract(extractor, text)["visits"])


def test_guests_from_nowhere_named_may_be_our_own():
    text = "Na spotkanie przybyli zaproszeni goście: Jan Sowa, Starosta Opolski, Anna Kowal, radna Rady Miejskiej."
    record = make_extractor(home="Opole").extract(next(read_text(f"Spotkanie\n5 czerwca 2024\n{text}", "t.txt")))
    assert record["visits"] == []


def test_a_title_with_its_town_then_a_comma_and_the_name(extractor):
    roles = extract(extractor, "Umowę sygnowali burmistrz Jan Sowa oraz I zastępca Prezydenta Miasta Opola, Adam Wrona.")["roles"]
    assert ("Adam Wrona", "zastępca prezydenta", "Opole") in {(r["person"], r["role"], r["of"]) for r in roles}


def test_in_a_list_a_title_after_a_name_is_that_names(extractor):
    text = "Przyjechali: Jan Sowa - burmistrz Opola, Adam Wrona - zastępca burmistrza; Anna Kowal - sekretarz."
    roles = {(r["person"], r["role"].split()[0], r["of"]) for r in extract(extractor, text)["roles"]}
    assert ("Jan Sowa", "burmistrz", "Opole") in roles and ("Adam Wrona", "burmistrz", "Opole") not in roles


def test_a_school_exchange_held_at_a_towns_school():
    text = "W ubiegłym tygodniu – od 05.10 do 11.10.2014 – w ZSO w Opolu odbyła się wymiana uczniów z bawarskiej szkoły w Türkheim."
    record = make_extractor(home="Opole").extract(next(read_text(f"Wymiana\nbrak daty\n{text}", "t.txt")))
    assert ("Türkheim", "Opole", "2014-10-05", "2014-10-11") in {
        (v["visitor"], v["place"], v["start"], v["end"]) for v in record["visits"]}


def test_a_town_whose_representatives_took_part():
    text = ("W dniach 23-24 czerwca w Opolu odbyło się Forum Miast. W Forum uczestniczyli również przedstawiciele "
            "miasta Silistra w Bułgarii.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Forum\n2022-06-27\n{text}", "t.txt")))
    assert ("Silistra", "Opole", "2022-06-23") in {(v["visitor"], v["place"], v["start"]) for v in record["visits"]}


def test_a_numbered_school_named_shorter_later_is_the_same_school(extractor):
    result = extract(extractor, "Uczniowie Publicznego Gimnazjum nr 1 w Opolu przyjechali do Kalisza. "
                                "Gimnazjum nr 1 od lat współpracuje z liceum.")
    schools = {e["name"] for e in result["entities"] if e["type"] == "Organization"}
    assert schools == {"Publiczne Gimnazjum nr 1 w Opolu"}


def test_a_partner_named_with_our_town_is_not_where_one_went(extractor):
    # "z naszym miastem" names a partner; the visit is to the town the clause places the subject in
    text = ("Przewodnicząca Rady Miejskiej w Kaliszu Anna Sowa 12 maja w Erfurcie wzięła udział w festynie "
            "i spotkała się z burmistrzem Janem Kohlem, od lat współpracującym z naszym miastem.")
    assert ("Anna Sowa", "Erfurt") in {(v["visitor"], v["place"]) for v in extract(extractor, text)["visits"]}


def test_a_chronicles_dated_heading_dates_its_own_entry():
    text = ("3 marca 2021 - Jarmark w Opolu\nNa jarmarku byli goście z Erfurtu.\n"
            "18 października 2021 - Forum Miast Partnerskich\nW obradach forum w Erfurcie wzięła udział "
            "Dyrektor Wydziału Kultury Anna Lis.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Kronika\nbrak daty\n{text}", "t.txt")))
    assert ("Anna Lis", "Erfurt", "2021-10-18") in {(v["visitor"], v["place"], v["start"]) for v in record["visits"]}


def test_a_yearless_date_takes_the_newest_year_the_text_states():
    text = ("Umowę partnerską podpisano 26 września 1994 roku. Jubileusz trzydziestolecia rozpoczął się 10 maja 2023 "
            "roku. 12 maja do Opola przyjechał burmistrz Erfurtu Jan Kohl.")
    record = make_extractor(home="Opole").extract(next(read_text(f"Jubileusz\nbrak daty\n{text}", "t.txt")))
    assert ("Jan Kohl", "Opole", "2023-05-12") in {(v["visitor"], v["place"], v["start"]) for v in record["visits"]}


def roles_of(home, text, date="5 maja 2024"):
    record = make_extractor(home=home).extract(next(read_text(f"Wiadomość\n{date}\n{text}", "t.txt")))
    return {(r["person"], r["role"], r["of"]) for r in record["roles"]}, record


@pytest.mark.parametrize("home, text, role", [
    # a small town's head is a burmistrz: a bare one is the publishing town's
    ("Milicz", "Na zakończenie głos zabrał burmistrz, Jan Sowa.", ("Jan Sowa", "burmistrz", "Milicz")),
    # a city's head is a prezydent: the burmistrz is the partner town's
    ("Opole", "W Erfurcie spotkano się z burmistrzem Janem Kohlem.", ("Jan Kohl", "burmistrz", "Erfurt")),
    # no Polish town has a mer: the delegation's town
    ("Milicz", "Do Milicza przyjechała delegacja z Lidy na czele z merem miasta Iwanem Sokołem.",
     ("Iwan Sokół", "mer", "Lida")),
])
def test_a_bare_heads_title_is_resolved_by_the_whole_text(home, text, role):
    assert role in roles_of(home, text)[0]


def test_a_council_chair_travels_for_the_town():
    _, record = roles_of("Opole", "Anna Sowa, przewodnicząca Rady Miejskiej w Opolu, 12 maja w Erfurcie wzięła udział w festynie.")
    assert {("Anna Sowa", "Erfurt"), ("Opole", "Erfurt")} <= {(v["visitor"], v["place"]) for v in record["visits"]}


def test_an_agreements_year_does_not_date_the_later_undated_visit():
    text = ("Umowę partnerską podpisano 26 września 1994 roku w Erfurcie. Mija 30 lat współpracy. "
            "12 maja do Opola przyjechał burmistrz Erfurtu Jan Kohl.")
    _, record = roles_of("Opole", text, date="brak daty")
    assert ("Jan Kohl", "Opole", None) in {(v["visitor"], v["place"], v["start"]) for v in record["visits"]}


def test_a_town_found_once_is_that_town_where_it_stands_again_without_a_cue():
    text = ("Do Opola przyjechali goście z Kitzingen: Jan Kohl, koordynator współpracy Kitzingen z Opolem, "
            "i Anna Wolf.")
    roles, _ = roles_of("Opole", text)
    assert ("Jan Kohl", "koordynator", "Kitzingen") in roles


def test_taking_part_with_a_word_between_verb_and_noun():
    text = ("W dniach 6-9 maja w Erfurcie obchodzono święto miasta. W obchodach wzięli także udział "
            "przedstawiciele straży pożarnej z Opola z komendantem Janem Sową na czele.")
    _, record = roles_of("Opole", text)
    assert ("Jan Sowa", "Erfurt") in {(v["visitor"], v["place"]) for v in record["visits"]}


def test_the_partner_towns_head_behind_degrees_and_forms_of_address():
    text = ("Do Opola przyjechała delegacja z Erfurtu. Gości reprezentował Burmistrz gminy partnerskiej, "
            "Pan dr Jan Kohl.")
    roles, _ = roles_of("Opole", text)
    assert ("Jan Kohl", "burmistrz", "Erfurt") in roles


def test_the_person_presiding_over_a_delegation_is_its_member():
    text = "Naszą gminę odwiedziła delegacja z miasta partnerskiego Erfurt. Niemieckiej delegacji przewodniczył Jan Kohl."
    _, record = roles_of("Milicz", text)
    assert ("Jan Kohl", "Milicz") in {(v["visitor"], v["place"]) for v in record["visits"]}


def test_a_headline_in_capitals_names_no_organisation():
    record = make_extractor(home="Opole").extract(next(read_text(
        "WIZYTA OPOLSKIEJ DELEGACJI W MIEŚCIE PARTNERSKIM\n5 maja 2024\nDelegacja z Opola przebywała w Erfurcie.", "t.txt")))
    assert not [e for e in record["entities"] if e["type"] == "Organization"]


def test_a_bulleted_list_of_members_after_a_colon():
    text = ("Gminę Opole podczas wizyty w Erfurcie reprezentowali:\n- Jan Sowa - Burmistrz Opola,\n"
            "- Anna Lis - Radna Rady Miejskiej w Opolu.\nPo południu goście zwiedzili miasto z Piotrem Kohlem.")
    _, record = roles_of("Opole", text)
    visits = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert {("Opole", "Erfurt"), ("Jan Sowa", "Erfurt"), ("Anna Lis", "Erfurt")} <= visits
    assert ("Piotr Kohl", "Erfurt") not in visits  # the list ended with the line that is no item


def test_a_list_of_a_hosts_own_people_at_home_is_no_visit():
    text = "Naszą gminę reprezentowali:\n- Jan Sowa - Burmistrz,\n- Anna Lis - Sekretarz Gminy."
    _, record = roles_of("Milicz", text)
    assert record["visits"] == []


def test_towns_listed_with_their_countries_in_brackets():
    text = "Do Opola przyjechali przedstawiciele miast partnerskich z Isny (Niemcy), Tukums (Łotwa) i Sleaford (Wielka Brytania)."
    _, record = roles_of("Opole", text)
    assert {("Isny", "Opole"), ("Tukums", "Opole"), ("Sleaford", "Opole")} <= {(v["visitor"], v["place"]) for v in record["visits"]}


@pytest.mark.parametrize("text", [
    "Planowana wizyta delegacji z Erfurtu w Opolu została odwołana.",
    "Prezydent zaprosił burmistrza Erfurtu Jana Kohla do Opola.",
    "Z powodu złej pogody nie mogła przybyć do Opola delegacja z Erfurtu.",
    "Na święto miasta do Opola nie przyjechał burmistrz Erfurtu Jan Kohl.",
])
def test_a_denied_journey_is_no_visit(text):
    _, record = roles_of("Opole", text)
    assert record["visits"] == []


def test_a_verb_morfeusz_first_reads_as_an_adjective():
    # "uczestniczą" is also a form of the adjective "uczestniczy"; a brand's spelling ("TaKT") is no place
    text = "Co roku członkowie zespołu TaKT Strings w Opolu uczestniczą w letnich warsztatach."
    _, record = roles_of("Milicz", text)
    assert ("TaKT Strings", "Opole") in {(v["visitor"], v["place"]) for v in record["visits"]}


# Visits (home Opole): performers at the scene.
PERFORMERS = [
    ("W koncercie noworocznym wystąpiła Anna Lis, sopranistka z Genewy.", {("Anna Lis", "Opole")}, set()),
    ("W Erfurcie wystąpił także Chór Kameralny Cantus.", {("Chór Kameralny Cantus", "Erfurt")}, set()),
    ("Orkiestra Dęta z Hamm dała koncert na opolskim rynku.", {("Orkiestra Dęta", "Opole")}, set()),
    # the town's own orchestra at home; a councillor's motion; a conductor is no performer named after the verb
    ("W koncercie wystąpiła Orkiestra Opolska.", set(), {("Orkiestra Opolska", "Opole")}),
    ("Na sesji wystąpił Jan Sowa z wnioskiem o nagrodę.", set(), {("Jan Sowa", "Opole")}),
]


def test_a_towns_abbreviated_second_word_and_the_title_before_it():
    text = "Podczas spotkania u burmistrza Ostrowa Wlkp. Petro Sahaniuka delegacja wręczyła upominki."
    roles, record = roles_of("Opole", text)
    assert ("Petro Sahaniuk", "burmistrz", "Ostrów Wielkopolski") in roles
    assert "Ostrów Wielkopolski" in {e["name"] for e in record["entities"] if e["type"] == "City"}


def test_an_exchange_between_two_schools_brought_the_other_towns_school():
    text = ("W dniach 3–10 kwietnia odbyła się wymiana uczniowska między Publicznym Gimnazjum nr 2 w Opolu "
            "a Freies Gymnasium Sankt Ulrich z niemieckiego Erfurtu.")
    _, record = roles_of("Opole", text)
    assert ("Freies Gymnasium Sankt Ulrich", "Opole", "2024-04-03") in {
        (v["visitor"], v["place"], v["start"]) for v in record["visits"]}
    assert not any(v["visitor"].startswith("Publiczne Gimnazjum") for v in record["visits"])


@pytest.mark.parametrize("text, name", [
    ("Gościmy uczniów Stiftland-Gymnasium z Tirschenreuth.", "Stiftland-Gymnasium"),
    ("Przyjechali uczniowie z Liceo Scientifico Galileo Galilei w Weronie.", "Liceo Scientifico Galileo Galilei w Weronie"),
])
def test_foreign_bodies_named_as_printed(text, name):
    _, record = roles_of("Opole", text)
    assert name in {e["name"] for e in record["entities"] if e["type"] == "Organization"}


def test_a_nations_delegation_is_from_that_nations_town_in_the_text():
    text = ("Burmistrzowie Opola i szwedzkiego Soderhamn podpisali wczoraj umowę o współpracy. "
            "Przed podpisaniem umowy delegacja szwedzka zwiedziła miasto.")
    _, record = roles_of("Opole", text)
    assert ("Soderhamn", "Opole") in {(v["visitor"], v["place"]) for v in record["visits"]}


def test_people_of_a_nation_a_squares_patron_and_an_abbreviation_name_no_place_or_person():
    _, record = roles_of("Opole", "Umowa ze Szwedami. O 10.00 na Pl. Jana Pawła II odsłonięto tablicę przy ul. Jana Kilińskiego.")
    assert record["entities"] == [] or {e["name"] for e in record["entities"]} == {"Opole"}


def test_partner_towns_listed_with_their_countries_adjectives():
    text = ("Odsłonięto tablicę poświęconą partnerstwu z francuskim Meudon (40-lecie), niemieckim Haldensleben "
            "(20-lecie) i słowackim Breznem (10 lat).")
    _, record = roles_of("Opole", text)
    assert {"Meudon", "Haldensleben", "Brezno"} <= {p["partner"] for p in record["partnerships"]}


def test_guests_named_after_their_coach_arrived_with_no_place_named():
    text = ("Burmistrz Jan Sowa, będąc w zeszłym roku z wizytą w Erfurcie, zaprosił gości. W piątek przyjechał autokar "
            "z delegacją z Erfurtu. Wśród przybyłych gości byli m.in.: Hans Kohl - burmistrz Erfurtu, Anna Wolf.")
    _, record = roles_of("Milicz", text)
    visits = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert {("Erfurt", "Milicz"), ("Hans Kohl", "Milicz"), ("Anna Wolf", "Milicz")} <= visits


def test_a_stay_that_lasts_until_a_weekday():
    # published on Wednesday 28 September 2022: "do piątku" is Friday the 30th
    text = ("Uczniowie z Erfurtu goszczą w Opolu. Pierwsze spotkanie odbyło się w poniedziałek 26 września. "
            "Ta część projektu potrwa do piątku.")
    _, record = roles_of("Opole", text, date="28 września 2022")
    assert ("Erfurt", "Opole", "2022-09-26", "2022-09-30") in {
        (v["visitor"], v["place"], v["start"], v["end"]) for v in record["visits"]}


@pytest.mark.parametrize("text, present, absent", [
    ("FOTO: wizyta w Opolu.", set(), {"FOTO"}),  # a common word in capitals is no acronym
    ("Studenci UAM przyjechali do Opola.", {"UAM"}, set()),
    ("Leży nad rzeką Osym (dopływ Dunaju).", set(), {"Dunaj"}),  # rivers are no towns
    ("Zwiedzili muzeum „Wasil Levski”.", {"Muzeum Wasil Levski"}, {"Wasil Levski"}),
    # a town named in full once, then read as a person's name in an inflected form
    ("Odnowiono stosunki z gminą Beli Monastir. Wójt spotka się z władzami Beli Monastiru.", {"Beli Monastir"}, {"Bela Monastiru"}),
])
def test_names_of_the_right_kind(text, present, absent):
    _, record = roles_of("Opole", text)
    names = {e["name"] for e in record["entities"]}
    assert present <= names and not (absent & names)


def test_who_tells_of_a_visit_did_not_make_it():
    text = ("W odpowiedzi na interpelację zastępca prezydenta Anna Lis poinformowała, że w 2023 roku delegacja "
            "miasta odwiedziła Erfurt i Hamm.")
    _, record = roles_of("Opole", text)
    visits = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert {("Opole", "Erfurt"), ("Opole", "Hamm")} <= visits
    assert not any(v[0] == "Anna Lis" for v in visits)


# Visits (home Opole): hosting, travel to a country, the head met abroad.
MORE_VISIT_FRAMES = [
    ("Delegacja z Opola odwiedziła partnerskie miasto Martin na Słowacji.", {("Opole", "Martin")}, set()),
    ("Goście z Erfurtu zostali przyjęci w ratuszu przez prezydenta.", {("Erfurt", "Opole")}, set()),
    ("Prezydent Jan Sowa przyjął gości z Erfurtu.", {("Erfurt", "Opole")}, set()),
    # the host met during a visit did not travel; the unnamed head of the publishing town did
    ("Podczas wizyty w Martinie prezydent spotkał się z burmistrzem miasta Janem Danko.",
     {("Opole", "Martin")}, {("Jan Danko", "Martin")}),
    ("Na zaproszenie władz Hamm do Niemiec wyjechała delegacja Opola z wiceprezydentem Janem Sową.",
     {("Opole", "Hamm"), ("Jan Sowa", "Hamm")}, set()),
    ("Opolski chór Canto wystąpił na festiwalu w Erfurcie.", {("Canto", "Erfurt")}, set()),
    ("Z ramienia miasta partnerskiego w uroczystości udział wziął zastępca burmistrza Hamm Jan Wolf.",
     {("Jan Wolf", "Opole"), ("Hamm", "Opole")}, set()),
]


def test_a_big_towns_burmistrz_met_abroad_is_the_hosts():
    roles, _ = roles_of("Opole", "Podczas wizyty w Martinie prezydent spotkał się z burmistrzem miasta Janem Danko.")
    assert ("Jan Danko", "burmistrz", "Martin") in roles


def test_yesterday_and_today_count_from_the_date_line_only():
    _, dated = roles_of("Opole", "Wczoraj w ratuszu prezydent przyjął delegację z Erfurtu.", date="18 września 2024")
    assert [(v["start"], v["end"]) for v in dated["visits"]] == [("2024-09-17", "2024-09-17")]
    _, undated = roles_of("Opole", "Wczoraj w ratuszu prezydent przyjął delegację z Erfurtu.", date="brak daty")
    assert [(v["start"], v["end"]) for v in undated["visits"]] == [(None, None)]


@pytest.mark.parametrize("text, role", [
    ("Opole reprezentują: Jan Sowa - naczelnik Kancelarii Prezydenta Miasta, Anna Lis - skarbnik.",
     ("Jan Sowa", "naczelnik", "Kancelaria Prezydenta Miasta Opola")),
    ("W delegacji był Piotr Kos - prezes zarządu spółki Wodociągi Miejskie i Kanalizacja.",
     ("Piotr Kos", "prezes", "Wodociągi Miejskie i Kanalizacja")),
])
def test_bodies_named_after_an_official_or_a_company_noun(text, role):
    roles, _ = roles_of("Opole", text)
    assert role in roles


def test_a_name_after_a_company_or_ensemble_noun_stops_before_the_next_name():
    _, record = roles_of("Opole", "Śpiewał chór Retro i Anna Lis, a potem grał zespół Kwiaty i Orkiestra Dęta.")
    names = {e["name"] for e in record["entities"]}
    assert {"Retro", "Anna Lis", "Kwiaty", "Orkiestra Dęta"} <= names


# Visits (home Opole): towns and the people who stand for them.
STANDING_FOR_TOWNS = [
    ("Kaliscy radni odwiedzili Kamieniec Podolski.", set(), {("Opole", "Kamieniec Podolski")}),  # another town's adjective
    ("Opolscy radni odwiedzili Kamieniec Podolski.", {("Opole", "Kamieniec Podolski")}, set()),
    ("Prezydent Opola wziął udział w obchodach Dni Martina.", {("Opole", "Martin")}, set()),
    ("Gościem specjalnym był burmistrz Martina Ján Danko.", {("Ján Danko", "Opole"), ("Martin", "Opole")}, set()),
    ("Uczniowie byli dziś gośćmi burmistrza Erfurtu Jana Kohla.", set(), {("Jan Kohl", "Opole")}),
    ("Mer Kaliningradu Aleksandr Jaroszuk spotkał się z prezydentem. Zaprosiłem mera Kaliningradu, by odwiedził Opole "
     "– mówi prezydent.", {("Aleksandr Jaroszuk", "Opole")}, set()),
]


@pytest.mark.parametrize("text, present, absent", PERFORMERS + MORE_VISIT_FRAMES + STANDING_FOR_TOWNS)
def test_visits_in_the_publishing_towns_news(text, present, absent):
    _, record = roles_of("Opole", text)
    found = {(v["visitor"], v["place"]) for v in record["visits"]}
    assert present <= found and not (absent & found)
