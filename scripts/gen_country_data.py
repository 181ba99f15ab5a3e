#!/usr/bin/env python3
"""Generate src/core/lead/country_data.inc: normalized country alias -> ISO 3166-1
alpha-2 code, as C++ initializer rows `{"alias", "CC"},` sorted by alias.

Standard library only; all data is embedded below. Run from anywhere:
    python3 scripts/gen_country_data.py            # writes the .inc
    python3 scripts/gen_country_data.py --stdout   # prints it instead

Alias normalization (must match the C++ lookup): lower-case, accents
removed (e -> e, u -> u, ss for sharp s, ...), every run of non-alphanumeric
characters replaced by one space, trimmed.

ISO_TABLE rows: alpha2|alpha3|short name|common name|official name, taken
from Debian's iso-codes 4.15.0 (iso_3166-1.json, 249 entries).
"""
import os
import re
import sys
import unicodedata

ISO_TABLE = """
AD|AND|Andorra||Principality of Andorra
AE|ARE|United Arab Emirates
AF|AFG|Afghanistan||Islamic Republic of Afghanistan
AG|ATG|Antigua and Barbuda
AI|AIA|Anguilla
AL|ALB|Albania||Republic of Albania
AM|ARM|Armenia||Republic of Armenia
AO|AGO|Angola||Republic of Angola
AQ|ATA|Antarctica
AR|ARG|Argentina||Argentine Republic
AS|ASM|American Samoa
AT|AUT|Austria||Republic of Austria
AU|AUS|Australia
AW|ABW|Aruba
AX|ALA|Åland Islands
AZ|AZE|Azerbaijan||Republic of Azerbaijan
BA|BIH|Bosnia and Herzegovina||Republic of Bosnia and Herzegovina
BB|BRB|Barbados
BD|BGD|Bangladesh||People's Republic of Bangladesh
BE|BEL|Belgium||Kingdom of Belgium
BF|BFA|Burkina Faso
BG|BGR|Bulgaria||Republic of Bulgaria
BH|BHR|Bahrain||Kingdom of Bahrain
BI|BDI|Burundi||Republic of Burundi
BJ|BEN|Benin||Republic of Benin
BL|BLM|Saint Barthélemy
BM|BMU|Bermuda
BN|BRN|Brunei Darussalam
BO|BOL|Bolivia, Plurinational State of|Bolivia|Plurinational State of Bolivia
BQ|BES|Bonaire, Sint Eustatius and Saba||Bonaire, Sint Eustatius and Saba
BR|BRA|Brazil||Federative Republic of Brazil
BS|BHS|Bahamas||Commonwealth of the Bahamas
BT|BTN|Bhutan||Kingdom of Bhutan
BV|BVT|Bouvet Island
BW|BWA|Botswana||Republic of Botswana
BY|BLR|Belarus||Republic of Belarus
BZ|BLZ|Belize
CA|CAN|Canada
CC|CCK|Cocos (Keeling) Islands
CD|COD|Congo, The Democratic Republic of the
CF|CAF|Central African Republic
CG|COG|Congo||Republic of the Congo
CH|CHE|Switzerland||Swiss Confederation
CI|CIV|Côte d'Ivoire||Republic of Côte d'Ivoire
CK|COK|Cook Islands
CL|CHL|Chile||Republic of Chile
CM|CMR|Cameroon||Republic of Cameroon
CN|CHN|China||People's Republic of China
CO|COL|Colombia||Republic of Colombia
CR|CRI|Costa Rica||Republic of Costa Rica
CU|CUB|Cuba||Republic of Cuba
CV|CPV|Cabo Verde||Republic of Cabo Verde
CW|CUW|Curaçao||Curaçao
CX|CXR|Christmas Island
CY|CYP|Cyprus||Republic of Cyprus
CZ|CZE|Czechia||Czech Republic
DE|DEU|Germany||Federal Republic of Germany
DJ|DJI|Djibouti||Republic of Djibouti
DK|DNK|Denmark||Kingdom of Denmark
DM|DMA|Dominica||Commonwealth of Dominica
DO|DOM|Dominican Republic
DZ|DZA|Algeria||People's Democratic Republic of Algeria
EC|ECU|Ecuador||Republic of Ecuador
EE|EST|Estonia||Republic of Estonia
EG|EGY|Egypt||Arab Republic of Egypt
EH|ESH|Western Sahara
ER|ERI|Eritrea||the State of Eritrea
ES|ESP|Spain||Kingdom of Spain
ET|ETH|Ethiopia||Federal Democratic Republic of Ethiopia
FI|FIN|Finland||Republic of Finland
FJ|FJI|Fiji||Republic of Fiji
FK|FLK|Falkland Islands (Malvinas)
FM|FSM|Micronesia, Federated States of||Federated States of Micronesia
FO|FRO|Faroe Islands
FR|FRA|France||French Republic
GA|GAB|Gabon||Gabonese Republic
GB|GBR|United Kingdom||United Kingdom of Great Britain and Northern Ireland
GD|GRD|Grenada
GE|GEO|Georgia
GF|GUF|French Guiana
GG|GGY|Guernsey
GH|GHA|Ghana||Republic of Ghana
GI|GIB|Gibraltar
GL|GRL|Greenland
GM|GMB|Gambia||Republic of the Gambia
GN|GIN|Guinea||Republic of Guinea
GP|GLP|Guadeloupe
GQ|GNQ|Equatorial Guinea||Republic of Equatorial Guinea
GR|GRC|Greece||Hellenic Republic
GS|SGS|South Georgia and the South Sandwich Islands
GT|GTM|Guatemala||Republic of Guatemala
GU|GUM|Guam
GW|GNB|Guinea-Bissau||Republic of Guinea-Bissau
GY|GUY|Guyana||Republic of Guyana
HK|HKG|Hong Kong||Hong Kong Special Administrative Region of China
HM|HMD|Heard Island and McDonald Islands
HN|HND|Honduras||Republic of Honduras
HR|HRV|Croatia||Republic of Croatia
HT|HTI|Haiti||Republic of Haiti
HU|HUN|Hungary||Hungary
ID|IDN|Indonesia||Republic of Indonesia
IE|IRL|Ireland
IL|ISR|Israel||State of Israel
IM|IMN|Isle of Man
IN|IND|India||Republic of India
IO|IOT|British Indian Ocean Territory
IQ|IRQ|Iraq||Republic of Iraq
IR|IRN|Iran, Islamic Republic of|Iran|Islamic Republic of Iran
IS|ISL|Iceland||Republic of Iceland
IT|ITA|Italy||Italian Republic
JE|JEY|Jersey
JM|JAM|Jamaica
JO|JOR|Jordan||Hashemite Kingdom of Jordan
JP|JPN|Japan
KE|KEN|Kenya||Republic of Kenya
KG|KGZ|Kyrgyzstan||Kyrgyz Republic
KH|KHM|Cambodia||Kingdom of Cambodia
KI|KIR|Kiribati||Republic of Kiribati
KM|COM|Comoros||Union of the Comoros
KN|KNA|Saint Kitts and Nevis
KP|PRK|Korea, Democratic People's Republic of|North Korea|Democratic People's Republic of Korea
KR|KOR|Korea, Republic of|South Korea
KW|KWT|Kuwait||State of Kuwait
KY|CYM|Cayman Islands
KZ|KAZ|Kazakhstan||Republic of Kazakhstan
LA|LAO|Lao People's Democratic Republic|Laos
LB|LBN|Lebanon||Lebanese Republic
LC|LCA|Saint Lucia
LI|LIE|Liechtenstein||Principality of Liechtenstein
LK|LKA|Sri Lanka||Democratic Socialist Republic of Sri Lanka
LR|LBR|Liberia||Republic of Liberia
LS|LSO|Lesotho||Kingdom of Lesotho
LT|LTU|Lithuania||Republic of Lithuania
LU|LUX|Luxembourg||Grand Duchy of Luxembourg
LV|LVA|Latvia||Republic of Latvia
LY|LBY|Libya||Libya
MA|MAR|Morocco||Kingdom of Morocco
MC|MCO|Monaco||Principality of Monaco
MD|MDA|Moldova, Republic of|Moldova|Republic of Moldova
ME|MNE|Montenegro||Montenegro
MF|MAF|Saint Martin (French part)
MG|MDG|Madagascar||Republic of Madagascar
MH|MHL|Marshall Islands||Republic of the Marshall Islands
MK|MKD|North Macedonia||Republic of North Macedonia
ML|MLI|Mali||Republic of Mali
MM|MMR|Myanmar||Republic of Myanmar
MN|MNG|Mongolia
MO|MAC|Macao||Macao Special Administrative Region of China
MP|MNP|Northern Mariana Islands||Commonwealth of the Northern Mariana Islands
MQ|MTQ|Martinique
MR|MRT|Mauritania||Islamic Republic of Mauritania
MS|MSR|Montserrat
MT|MLT|Malta||Republic of Malta
MU|MUS|Mauritius||Republic of Mauritius
MV|MDV|Maldives||Republic of Maldives
MW|MWI|Malawi||Republic of Malawi
MX|MEX|Mexico||United Mexican States
MY|MYS|Malaysia
MZ|MOZ|Mozambique||Republic of Mozambique
NA|NAM|Namibia||Republic of Namibia
NC|NCL|New Caledonia
NE|NER|Niger||Republic of the Niger
NF|NFK|Norfolk Island
NG|NGA|Nigeria||Federal Republic of Nigeria
NI|NIC|Nicaragua||Republic of Nicaragua
NL|NLD|Netherlands||Kingdom of the Netherlands
NO|NOR|Norway||Kingdom of Norway
NP|NPL|Nepal||Federal Democratic Republic of Nepal
NR|NRU|Nauru||Republic of Nauru
NU|NIU|Niue||Niue
NZ|NZL|New Zealand
OM|OMN|Oman||Sultanate of Oman
PA|PAN|Panama||Republic of Panama
PE|PER|Peru||Republic of Peru
PF|PYF|French Polynesia
PG|PNG|Papua New Guinea||Independent State of Papua New Guinea
PH|PHL|Philippines||Republic of the Philippines
PK|PAK|Pakistan||Islamic Republic of Pakistan
PL|POL|Poland||Republic of Poland
PM|SPM|Saint Pierre and Miquelon
PN|PCN|Pitcairn
PR|PRI|Puerto Rico
PS|PSE|Palestine, State of||the State of Palestine
PT|PRT|Portugal||Portuguese Republic
PW|PLW|Palau||Republic of Palau
PY|PRY|Paraguay||Republic of Paraguay
QA|QAT|Qatar||State of Qatar
RE|REU|Réunion
RO|ROU|Romania
RS|SRB|Serbia||Republic of Serbia
RU|RUS|Russian Federation
RW|RWA|Rwanda||Rwandese Republic
SA|SAU|Saudi Arabia||Kingdom of Saudi Arabia
SB|SLB|Solomon Islands
SC|SYC|Seychelles||Republic of Seychelles
SD|SDN|Sudan||Republic of the Sudan
SE|SWE|Sweden||Kingdom of Sweden
SG|SGP|Singapore||Republic of Singapore
SH|SHN|Saint Helena, Ascension and Tristan da Cunha
SI|SVN|Slovenia||Republic of Slovenia
SJ|SJM|Svalbard and Jan Mayen
SK|SVK|Slovakia||Slovak Republic
SL|SLE|Sierra Leone||Republic of Sierra Leone
SM|SMR|San Marino||Republic of San Marino
SN|SEN|Senegal||Republic of Senegal
SO|SOM|Somalia||Federal Republic of Somalia
SR|SUR|Suriname||Republic of Suriname
SS|SSD|South Sudan||Republic of South Sudan
ST|STP|Sao Tome and Principe||Democratic Republic of Sao Tome and Principe
SV|SLV|El Salvador||Republic of El Salvador
SX|SXM|Sint Maarten (Dutch part)||Sint Maarten (Dutch part)
SY|SYR|Syrian Arab Republic|Syria
SZ|SWZ|Eswatini||Kingdom of Eswatini
TC|TCA|Turks and Caicos Islands
TD|TCD|Chad||Republic of Chad
TF|ATF|French Southern Territories
TG|TGO|Togo||Togolese Republic
TH|THA|Thailand||Kingdom of Thailand
TJ|TJK|Tajikistan||Republic of Tajikistan
TK|TKL|Tokelau
TL|TLS|Timor-Leste||Democratic Republic of Timor-Leste
TM|TKM|Turkmenistan
TN|TUN|Tunisia||Republic of Tunisia
TO|TON|Tonga||Kingdom of Tonga
TR|TUR|Türkiye||Republic of Türkiye
TT|TTO|Trinidad and Tobago||Republic of Trinidad and Tobago
TV|TUV|Tuvalu
TW|TWN|Taiwan, Province of China|Taiwan|Taiwan, Province of China
TZ|TZA|Tanzania, United Republic of|Tanzania|United Republic of Tanzania
UA|UKR|Ukraine
UG|UGA|Uganda||Republic of Uganda
UM|UMI|United States Minor Outlying Islands
US|USA|United States||United States of America
UY|URY|Uruguay||Eastern Republic of Uruguay
UZ|UZB|Uzbekistan||Republic of Uzbekistan
VA|VAT|Holy See (Vatican City State)
VC|VCT|Saint Vincent and the Grenadines
VE|VEN|Venezuela, Bolivarian Republic of|Venezuela|Bolivarian Republic of Venezuela
VG|VGB|Virgin Islands, British||British Virgin Islands
VI|VIR|Virgin Islands, U.S.||Virgin Islands of the United States
VN|VNM|Viet Nam|Vietnam|Socialist Republic of Viet Nam
VU|VUT|Vanuatu||Republic of Vanuatu
WF|WLF|Wallis and Futuna
WS|WSM|Samoa||Independent State of Samoa
YE|YEM|Yemen||Republic of Yemen
YT|MYT|Mayotte
ZA|ZAF|South Africa||Republic of South Africa
ZM|ZMB|Zambia||Republic of Zambia
ZW|ZWE|Zimbabwe||Republic of Zimbabwe
"""

# Extra aliases per code: common English variants, former names and the
# most common native/local names (ASCII transliterations).
EXTRA = {
    "AE": ["uae", "u a e", "emirates", "the emirates", "al imarat"],
    "AG": ["antigua"],
    "AR": ["republica argentina"],
    "AT": ["osterreich", "republik osterreich"],
    "AX": ["aland"],
    "BA": ["bosnia", "bosnia and hercegovina", "bosna i hercegovina"],
    "BE": ["belgique", "belgie", "belgien", "koninkrijk belgie",
           "royaume de belgique"],
    "BG": ["balgariya", "bulgariya", "republika balgariya"],
    "BL": ["saint barts", "st barts", "saint barths", "st barths"],
    "BN": ["brunei"],
    "BO": ["estado plurinacional de bolivia"],
    "BQ": ["bonaire", "caribbean netherlands", "sint eustatius", "saba"],
    "BR": ["brasil", "republica federativa do brasil"],
    "BS": ["the bahamas", "bahamas the"],
    "BY": ["byelorussia", "belorussia", "belarus republic of", "bielorussia"],
    "CC": ["cocos islands", "keeling islands"],
    "CD": ["dr congo", "drc", "d r congo", "democratic republic of the congo",
           "democratic republic of congo", "congo democratic republic",
           "congo democratic republic of the", "congo kinshasa",
           "dem rep congo", "congo dr", "zaire"],
    "CG": ["congo brazzaville", "congo republic", "republic of congo",
           "congo republic of the"],
    "CH": ["schweiz", "suisse", "svizzera", "svizra", "confoederatio helvetica",
           "helvetia", "schweizerische eidgenossenschaft"],
    "CI": ["ivory coast", "cote divoire", "the ivory coast"],
    "CL": ["republica de chile"],
    "CN": ["zhongguo", "prc", "p r china", "peoples republic of china",
           "mainland china", "china mainland", "china prc",
           "zhonghua renmin gongheguo"],
    "CO": ["republica de colombia"],
    "CV": ["cape verde"],
    "CZ": ["czech republic", "czech", "cesko", "ceska republika",
           "the czech republic"],
    "DE": ["deutschland", "bundesrepublik deutschland", "allemagne",
           "alemania", "germania"],
    "DK": ["danmark", "kongeriget danmark"],
    "DO": ["republica dominicana"],
    "DZ": ["algerie", "al jazair", "al jaza ir"],
    "EE": ["eesti", "eesti vabariik"],
    "EG": ["misr", "masr"],
    "ES": ["espana", "reino de espana", "espanya", "spanien", "espagne"],
    "ET": ["ityopiya"],
    "FI": ["suomi", "suomen tasavalta"],
    "FK": ["falkland islands", "falklands", "malvinas", "islas malvinas"],
    "FM": ["micronesia"],
    "FR": ["republique francaise", "frankreich", "francia"],
    "GB": ["uk", "u k", "the uk", "the united kingdom", "great britain",
           "britain", "england", "scotland", "wales", "northern ireland",
           "united kingdom of great britain", "grossbritannien",
           "royaume uni", "reino unido", "regno unito", "vereinigtes konigreich"],
    "GM": ["the gambia", "gambia the"],
    "GR": ["hellas", "ellada", "ellas", "elliniki dimokratia"],
    "GS": ["south georgia"],
    "HK": ["hongkong", "hong kong sar", "hong kong sar china", "xianggang",
           "heung gong"],
    "HM": ["heard island"],
    "HR": ["hrvatska", "republika hrvatska"],
    "HU": ["magyarorszag"],
    "ID": ["republik indonesia"],
    "IE": ["eire", "republic of ireland", "ireland republic of",
           "ireland republic"],
    "IL": ["yisrael", "medinat yisrael"],
    "IN": ["bharat"],
    "IO": ["chagos islands"],
    "IR": ["iran islamic republic", "persia"],
    "IT": ["italia", "repubblica italiana", "italien", "italie"],
    "JP": ["nippon", "nihon", "nippon koku", "nihon koku", "japon"],
    "KH": ["kampuchea"],
    "KN": ["saint kitts", "st kitts"],
    "KP": ["north korea", "korea north", "n korea", "dprk", "d p r k",
           "korea dpr", "dpr korea", "korea democratic people s republic",
           "democratic peoples republic of korea"],
    "KR": ["korea", "south korea", "korea south", "s korea", "republic of korea",
           "korea republic", "korea rep", "hanguk", "hankuk", "daehan minguk",
           "taehan minguk"],
    "KY": ["cayman"],
    "KZ": ["qazaqstan", "kazakstan"],
    "LA": ["lao pdr"],
    "LU": ["luxemburg", "letzebuerg", "grand duche de luxembourg"],
    "LT": ["lietuva"],
    "LV": ["latvija"],
    "LY": ["libyan arab jamahiriya"],
    "MA": ["maroc", "al maghrib"],
    "MD": ["republica moldova"],
    "MF": ["saint martin", "st martin"],
    "MK": ["macedonia", "republic of macedonia", "fyrom",
           "former yugoslav republic of macedonia", "severna makedonija"],
    "MM": ["burma"],
    "MO": ["macau", "macau sar", "macao sar", "macao sar china", "aomen"],
    "MX": ["estados unidos mexicanos", "mejico"],
    "MY": ["persekutuan malaysia"],
    "NL": ["holland", "the netherlands", "netherlands the", "nederland",
           "koninkrijk der nederlanden", "niederlande", "pays bas",
           "paises bajos", "paesi bassi"],
    "NO": ["norge", "noreg", "kongeriket norge"],
    "NZ": ["aotearoa"],
    "PE": ["republica del peru"],
    "PH": ["the philippines", "pilipinas", "filipinas",
           "republika ng pilipinas"],
    "PL": ["polska", "rzeczpospolita polska", "polen", "pologne", "polonia"],
    "PS": ["palestine", "state of palestine", "palestinian territories",
           "palestinian territory", "occupied palestinian territory"],
    "PT": ["republica portuguesa"],
    "RO": ["rumania", "roumania"],
    "RS": ["srbija", "republika srbija"],
    "RU": ["russia", "rossiya", "rossiia", "rossija",
           "rossiyskaya federatsiya", "russland", "russie", "rusia"],
    "SA": ["ksa", "saudi", "kingdom of saudi arabia"],
    "SE": ["sverige", "konungariket sverige", "schweden", "suede", "suecia"],
    "SG": ["singapura"],
    "SH": ["saint helena", "st helena", "ascension island",
           "tristan da cunha"],
    "SI": ["slovenija", "republika slovenija"],
    "SJ": ["svalbard", "jan mayen"],
    "SK": ["slovensko", "slovenska republika"],
    "SX": ["sint maarten"],
    "SY": ["syrian arab republic"],
    "SZ": ["swaziland"],
    "TC": ["turks and caicos"],
    "TH": ["prathet thai", "muang thai", "siam"],
    "TL": ["east timor", "timor"],
    "TR": ["turkey", "turkiye cumhuriyeti", "turkei", "turquie", "turquia"],
    "TT": ["trinidad"],
    "TW": ["chinese taipei", "taiwan roc", "republic of china taiwan",
           "zhonghua minguo"],
    "UA": ["ukraina", "the ukraine"],
    "UM": ["us minor outlying islands", "u s minor outlying islands"],
    "US": ["united states of america", "the united states", "america",
           "the us", "the usa", "u s", "u s a", "us of a",
           "estados unidos", "etats unis", "vereinigte staaten",
           "stati uniti"],
    "UZ": ["ozbekiston"],
    "VA": ["vatican", "vatican city", "vatican city state", "holy see"],
    "VC": ["saint vincent", "st vincent"],
    "VE": ["republica bolivariana de venezuela"],
    "VG": ["bvi", "virgin islands british"],
    "VI": ["us virgin islands", "u s virgin islands", "usvi",
           "virgin islands us"],
    "VN": ["vietnam", "socialist republic of vietnam"],
    "ZA": ["rsa", "suid afrika"],
}

# Aliases never emitted (ambiguous, or not wanted). "el" is listed as a
# guard: it is not an ISO code.
DROP = {"el", "virgin islands"}

ALLOWED_TWO_LETTER_NON_ISO = {"uk"}

_SPECIAL = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o",
    "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
    "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i",
}


def normalize(s):
    s = "".join(_SPECIAL.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.lower()
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.strip()


def variants(alias):
    """Automatic spelling variants of a normalized alias."""
    out = {alias}
    for a in list(out):
        if " and " in a:
            out.add(a.replace(" and ", " "))
    for a in list(out):
        if re.search(r"\bsaint\b", a):
            out.add(re.sub(r"\bsaint\b", "st", a))
    for a in list(out):
        if a.startswith("the "):
            out.add(a[4:])
    return out


def parse_iso():
    rows = []
    for line in ISO_TABLE.strip().splitlines():
        parts = line.split("|") + ["", ""]
        a2, a3, name, common, official = parts[:5]
        rows.append((a2, a3, name, common, official))
    return rows


def build():
    rows = parse_iso()
    codes = {r[0] for r in rows}
    a2_set = {r[0].lower(): r[0] for r in rows}
    a3_set = {r[1].lower(): r[0] for r in rows}
    assert len(rows) == 249 and len(codes) == 249, len(codes)
    unknown = set(EXTRA) - codes
    assert not unknown, f"EXTRA has non-ISO codes: {unknown}"

    cand = {}  # alias -> set of codes

    def add(alias, code):
        a = normalize(alias)
        if not a:
            return
        for v in variants(a):
            cand.setdefault(v, set()).add(code)

    for a2, a3, name, common, official in rows:
        cand.setdefault(a2.lower(), set()).add(a2)
        cand.setdefault(a3.lower(), set()).add(a2)
        for n in (name, common, official):
            if n:
                add(n, a2)
    for code, aliases in EXTRA.items():
        for a in aliases:
            assert normalize(a) == a, f"EXTRA alias not normalized: {a!r}"
            add(a, code)

    table = {}
    conflicts = []
    for alias, cs in cand.items():
        if alias in DROP:
            continue
        if len(cs) != 1:
            conflicts.append((alias, sorted(cs)))
            continue
        table[alias] = next(iter(cs))
    if conflicts:
        raise SystemExit(f"conflicting aliases (resolve via DROP/EXTRA): "
                         f"{sorted(conflicts)}")

    # Sanity checks.
    for alias, code in table.items():
        assert re.fullmatch(r"[A-Z]{2}", code) and code in codes, code
        assert re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", alias), alias
        if len(alias) == 2:
            assert a2_set.get(alias) == code or \
                alias in ALLOWED_TWO_LETTER_NON_ISO, (alias, code)
        if alias in a2_set:
            assert a2_set[alias] == code, (alias, code)
        if alias in a3_set:
            assert a3_set[alias] == code, (alias, code)
    for c in codes:
        assert table.get(c.lower()) == c, c
    return table


HEADER = ("// Generated by scripts/gen_country_data.py; "
          "ISO 3166-1 alpha-2/alpha-3 codes and common names.")


def render(table):
    lines = [HEADER]
    for alias in sorted(table):
        lines.append(f'{{"{alias}", "{table[alias]}"}},')
    return "\n".join(lines) + "\n"


def main():
    text = render(build())
    if "--stdout" in sys.argv[1:]:
        sys.stdout.write(text)
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "src", "core", "country_data.inc")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="ascii", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {out}: {text.count(chr(10)) - 1} aliases", file=sys.stderr)


if __name__ == "__main__":
    main()
