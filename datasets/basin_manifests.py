#!/usr/bin/env python3
"""Writes the seven basin manifests of issue 10 (datasets/<name>.json; the iron basin is two, 54 and 57).

Perimeter rule (every basin): the communes of the named official units (zones d'emploi 2020
or EPCI, from the INSEE table d'appartenance 2022) whose COG 2018 polygon lies at least
80 % inside the extent of the basin's OSM 2021 road file (share of area in lon/lat degrees,
computed with ogr2ogr/SpatiaLite). Needs GDAL with SpatiaLite (ogr2ogr -dialect SQLite).
Usage: datasets/basin_manifests.py DATA_ROOT datasets  (--scratch: roads "none", a working copy
for checking the other layers quickly; never commit one)
"""
import csv, json, os, re, subprocess, sys, tempfile

ROOT, OUT = sys.argv[1], sys.argv[2]
SCRATCH = '--scratch' in sys.argv
THRESHOLD = 0.8

def road_extent(path):
    out = subprocess.run(['ogrinfo', '-so', '-al', os.path.join(ROOT, path)], capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith('Extent:')][0]
    nums = [float(x) for x in re.findall(r'-?[0-9]+(?:\.[0-9]+)?', line)]
    return nums  # x0 y0 x1 y1

def shares(geojson, ext):
    layer = os.path.splitext(os.path.basename(geojson))[0]
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 's.csv')
        subprocess.run(['ogr2ogr', '-f', 'CSV', out, os.path.join(ROOT, geojson), '-dialect', 'SQLite', '-sql',
                        'select code, ST_Area(ST_Intersection(geometry, BuildMbr(%f,%f,%f,%f)))/ST_Area(geometry) as share from "%s"'
                        % (*ext, layer)], check=True)
        return {r['code']: float(r['share'] or 0) for r in csv.DictReader(open(out))}

def table(path):
    return list(csv.DictReader(open(os.path.join(ROOT, path), encoding='utf-8-sig'), delimiter=';'))

def populations(path):
    return {r['code']: (r['nom'], r['population']) for r in json.load(open(os.path.join(ROOT, path))) if r['type'] == 'commune-actuelle'}

A = '57-59-62'
B = '71-30-81-12-13-54'
GEO = {'57': 'communes-57-moselle', '54': 'communes-54-meurthe-et-moselle', '71': 'communes-71-saone-et-loire',
       '30': 'communes-30-gard', '81': 'communes-81-tarn', '12': 'communes-12-aveyron', '13': 'communes-13-bouches-du-rhone'}

BASINS = [
  dict(name='lorraine-bassin-houiller', files=A, deps=['57'], field='ZE2020', units=['4408', '4416'],
       title='Bassin houiller lorrain (Forbach, Freyming-Merlebach, Saint-Avold, Creutzwald)',
       unitdesc='zones d\'emploi 2020 4408 Forbach and 4416 Saint-Avold',
       roads='roads/lorraine-bassins-miniers/roads-lorraine-bassins-miniers-osm2021-car.geojson', region='lorraine',
       pharmacies='osm-health/osm-health-poi-lorraine-bassins-miniers-2021.geojson',
       gaps='In the shared INSEE tables (57, 59, 62, 54 and the southern départements) both zones d\'emploi are wholly in Moselle. Data gap: the road extent also covers 16 communes of Bas-Rhin (67) and 36 of Meuse (55), which have no layers in the shared data; whether a Bas-Rhin commune belongs to either zone d\'emploi cannot be checked here. The road file stops at the Saarland border (nothing outside the Lorraine region polygon), so trips through Germany are not modelled.'),
  dict(name='lorraine-bassin-ferrifere', files=B, deps=['54'], field='EPCI', extra_hospitals=A,
       units=['245400262', '245701404', '200070290', '200070845'],
       title='Bassin ferrifère lorrain, Pays-Haut (Longwy, Villerupt, Briey, Jœuf)',
       unitdesc='the Meurthe-et-Moselle members of the EPCI 245400262 CA Grand Longwy Agglomération, 245701404 CC du Pays Haut Val d\'Alzette (Villerupt), 200070290 CC Cœur du Pays-Haut and 200070845 CC Orne Lorraine Confluences (Briey, Jœuf, Homécourt)',
       roads='roads/lorraine-bassins-miniers/roads-lorraine-bassins-miniers-osm2021-car.geojson', region='lorraine',
       pharmacies='osm-health/osm-health-poi-lorraine-bassins-miniers-2021.geojson',
       gaps='Data gap: a manifest takes one commune table, one population file and one IRIS file, and the 54 and 57 layers are in different files, so the Moselle side of the iron basin is the separate manifest lorraine-bassin-ferrifere-moselle: the six Moselle members of CC du Pays Haut Val d\'Alzette (57038 Audun-le-Tiche, 57529 Ottange, 57096 Boulange, 57041 Aumetz, 57603 Russange, 57565 Rédange), and the Fensch, Orne and Thionville valleys (Hayange, Fameck, Florange, Moyeuvre-Grande, Thionville); the Moselle hospitals (Hayange, Thionville) are read from the 57 FINESS file and kept as facilities outside the territory when a unit reaches them within 60 min. 55063 Bouligny (Meuse, member of CC Cœur du Pays-Haut) and the other 35 Meuse communes of the road extent have no layer in the shared data. Belgium and Luxembourg are outside the road file.'),
  dict(name='lorraine-bassin-ferrifere-moselle', files=A, deps=['57'], field='EPCI', extra_hospitals=B,
       units=['245701222', '245701271', '245701362', '245701404'],
       title='Bassin ferrifère lorrain, côté Moselle (vallées de la Fensch et de l\'Orne, Thionville, Audun-le-Tiche)',
       unitdesc='the Moselle members of the EPCI 245701222 CA du Val de Fensch (Hayange, Fameck, Florange), 245701271 CC du Pays Orne Moselle (Moyeuvre-Grande, Rombas, Amnéville), 245701362 CA Portes de France-Thionville and 245701404 CC du Pays Haut Val d\'Alzette (Audun-le-Tiche, Ottange, Aumetz)',
       roads='roads/lorraine-bassins-miniers/roads-lorraine-bassins-miniers-osm2021-car.geojson', region='lorraine',
       pharmacies='osm-health/osm-health-poi-lorraine-bassins-miniers-2021.geojson',
       gaps='This is the Moselle half of the iron basin; the Meurthe-et-Moselle half (Longwy, Villerupt, Briey, Jœuf) is the manifest lorraine-bassin-ferrifere, because a manifest takes one commune table, one population file and one IRIS file and the 57 and 54 layers are in different files. Its communes and units are not in this territory, but its hospitals are read from the Meurthe-et-Moselle FINESS file and kept as facilities outside the territory when a unit reaches them within 60 min. Luxembourg is outside the road file.'),
  dict(name='montceau', files=B, deps=['71'], field='ZE2020', units=['2710'],
       title='Bassin minier de Montceau-les-Mines, Blanzy et Le Creusot',
       unitdesc='zone d\'emploi 2020 2710 Creusot-Montceau',
       roads='roads/montceau-blanzy-creusot/roads-montceau-blanzy-creusot-osm2021-car.geojson', region='bourgogne',
       pharmacies=None,
       gaps='The road extent covers only Saône-et-Loire. No OpenStreetMap pharmacy file exists for this basin.'),
  dict(name='ales', files=B, deps=['30'], field='ZE2020', units=['7603'],
       title='Bassin houiller des Cévennes (Alès, La Grand-Combe, Bessèges)',
       unitdesc='zone d\'emploi 2020 7603 Alès-Le Vigan',
       roads='roads/ales-la-grand-combe/roads-ales-la-grand-combe-osm2021-car.geojson', region='languedoc-roussillon',
       pharmacies=None,
       gaps='Data gap: the road extent also covers 13 communes of Lozère (48) and 14 of Ardèche (07; the Ardèche corner has no roads in the file); neither département has layers in the shared data, so whether some belong to zone d\'emploi 7603 cannot be checked and they are not in the territory. 30094 Corbès was merged into 30329 Thoiras-Corbès after 2022: the 2026 population of 30329 includes it but its unit has the polygon of Thoiras only. No OpenStreetMap pharmacy file exists for this basin.'),
  dict(name='carmaux-decazeville', files=B, deps=['81', '12'], field='ZE2020', units=['7602', '7611'],
       title='Bassins houillers de Carmaux (Tarn) et de Decazeville-Aubin (Aveyron)',
       unitdesc='zones d\'emploi 2020 7602 Albi (Carmaux) and 7611 Figeac-Villefranche (Decazeville, Aubin, Cransac, Firmi)',
       roads='roads/carmaux-decazeville/roads-carmaux-decazeville-osm2021-car.geojson', region='midi-pyrenees',
       pharmacies=None,
       gaps='Data gap: the Lot (46) part of zone d\'emploi 7611, including Figeac and its hospital, has no layer in the shared data and is not in the territory; the road extent also covers 39 communes of Lot, 13 of Cantal (15) and 4 of Tarn-et-Garonne (82), without layers. The communes between the two basins belong to zone d\'emploi 7621 Rodez and are not selected, so the territory has two parts joined by the road network. No OpenStreetMap pharmacy file exists for these basins.'),
  dict(name='gardanne', files=B, deps=['13'], field='ZE2020', units=['9301', '9312'],
       title='Bassin minier de Provence (Gardanne, Meyreuil, Gréasque, Fuveau)',
       unitdesc='zones d\'emploi 2020 9301 Aix-en-Provence (Gardanne, Meyreuil, Gréasque, Fuveau, Mimet, Simiane) and 9312 Marseille (Cadolive, Peypin, La Bouilladisse)',
       roads='roads/gardanne/roads-gardanne-osm2021-car.geojson', region='provence-alpes-cote-d-azur',
       pharmacies='osm-health/osm-health-poi-gardanne-2021.geojson',
       gaps='Marseille (13055, 48 % of its area inside the extent, 886,040 inhabitants) is left out by the 80 % rule; its hospitals within 60 min of a unit by road are kept as facilities outside the territory. The eastern edge of the extent reaches the Var (83), which has no layer in the shared data.'),
]

URGENT = {
  "field": "facility_type",
  "in": ["Centre Hospitalier (C.H.)", "Centre Hospitalier Régional (C.H.R.)"],
  "unless_name_contains": ["HOPITAL DE JOUR", "HOP JOUR", "HJ ", "PSY", "CMP", "CATTP", "HAD ", "DOMICILE", "SSR", "USLD", "SOINS DE SUITE", "SOINS PALLIATIFS", "MAISON DE REPOS", "MOYEN SEJOUR", "GERIATRI", "GERONTOLOG", "PERSONNES AG", "DEPENDANCE", "ADDICTOLOGIE", "ALCOOLOGIE", "UTAFA", "PENITENTIAIRE", "UNITE HOSPITALIERE SPECIALEMENT", "PLANIFICATION", "BIOLOGIE", "ODONTOLOGIE", "IMAGERIE", "MEDECINE NUCLEAIRE", "EXAMENS DE SANTE", "CENTRE DE JOUR", "SANTE MENTALE", "DIABETE", "EVEIL", "SANTELYS", "GCS "],
  "assumption": "Sites d'urgences (SU/SMUR) : la source ne dit pas quels hôpitaux ont un service d'urgences ; Recompose retient par hypothèse les sites FINESS de catégorie « Centre Hospitalier (C.H.) » ou « Centre Hospitalier Régional (C.H.R.) », sauf ceux dont le nom (sans tenir compte de la casse) contient l'un de ces mots, qui désignent des sites sans urgences (hôpital de jour, psychiatrie, soins de suite, gériatrie, addictologie, biologie, imagerie…) : HOPITAL DE JOUR, HOP JOUR, HJ, PSY, CMP, CATTP, HAD, DOMICILE, SSR, USLD, SOINS DE SUITE, SOINS PALLIATIFS, MAISON DE REPOS, MOYEN SEJOUR, GERIATRI, GERONTOLOG, PERSONNES AG, DEPENDANCE, ADDICTOLOGIE, ALCOOLOGIE, UTAFA, PENITENTIAIRE, UNITE HOSPITALIERE SPECIALEMENT, PLANIFICATION, BIOLOGIE, ODONTOLOGIE, IMAGERIE, MEDECINE NUCLEAIRE, EXAMENS DE SANTE, CENTRE DE JOUR, SANTE MENTALE, DIABETE, EVEIL, SANTELYS, GCS. Règle approximative : à remplacer par la liste ARS des SU/SMUR (recompose import --urgent-care, voir datasets/README.md)."
}

def dumps(v):
    return json.dumps(v, ensure_ascii=False)

def codes_block(codes, indent):
    # 10 codes per line
    lines = []
    for i in range(0, len(codes), 10):
        lines.append(', '.join('"%s"' % c for c in codes[i:i + 10]))
    return '[\n' + ',\n'.join(indent + '  ' + l for l in lines) + '\n' + indent + ']'

summary = []
for b in BASINS:
    ext = road_extent(b['roads'])
    share = {}
    for d in b['deps']:
        share.update(shares('france-geojson/%s.geojson' % GEO[d], ext))
    rows = [r for r in table('insee-zonages/table-appartenance-geo-communes-2022-%s.csv' % b['files'])
            if r[b['field']] in b['units'] and r['DEP'] in b['deps']]
    pops = populations('etalab-decoupage-administratif/communes-%s.json' % b['files'])
    kept, dropped, merged = [], [], []
    for r in rows:
        c = r['CODGEO']
        s = share.get(c, 0.0)
        if c not in pops:
            merged.append(c)  # merged after 2022: its population is in the 2026 commune
            continue
        (kept if s >= THRESHOLD else dropped).append((c, r['LIBGEO'], s, int(pops[c][1])))
    kept.sort(); dropped.sort()
    pop = sum(k[3] for k in kept)
    dpop = sum(k[3] for k in dropped)
    fieldname = 'ZE2020' if b['field'] == 'ZE2020' else 'EPCI'
    big = [d for d in dropped if d[3] >= 2000]
    drop_txt = ', '.join('%s %s (%d %%, %s inh.)' % (c, n, round(100 * s), f'{p:,}') for c, n, s, p in big)
    if len(dropped) > len(big):
        drop_txt += ('; ' if big else '') + '%d smaller communes' % (len(dropped) - len(big))
    drop_txt = drop_txt or 'none'
    desc = ('Perimeter rule: the communes of %s (INSEE table d\'appartenance 2022, field %s) whose COG 2018 polygon lies at least 80 %% inside the extent of the OpenStreetMap 2021 road file (%.4f–%.4f E, %.4f–%.4f N; share of area in lon/lat degrees): %d communes, %s inhabitants (populations légales 2026). Left out for lying less than 80 %% inside the extent: %d communes, %s inhabitants: %s. Layers: IRIS, populations, FINESS hospital sites (those outside the communes kept when a unit reaches them within 60 min), GP counts (BPE 2017)%s, EPCI mortality, Filosofi 2019, car-less households. %s'
            % (b['unitdesc'], fieldname, ext[0], ext[2], ext[1], ext[3], len(kept), f'{pop:,}', len(dropped), f'{dpop:,}', drop_txt, ', OpenStreetMap 2021 pharmacies (not exhaustive)' if b['pharmacies'] else '', b['gaps']))
    deps = b['deps']
    geometry = ',\n'.join('      {"path": "france-geojson/%s.geojson", "code": "code",\n       "source": "IGN ADMIN EXPRESS COG 2018, simplifié (gregoiredavid/france-geojson)"}' % GEO[d] for d in deps)
    where = '{"%s": %s, "DEP": %s,\n                "CODGEO": %s}' % (b['field'], dumps(b['units']), dumps(deps), codes_block([k[0] for k in kept], '                '))
    sel_source = 'INSEE, table d\'appartenance géographique des communes 2022 (%s %s), communes à au moins 80 %% dans l\'emprise du réseau routier' % (fieldname, ', '.join(b['units']))
    F = b['files']
    if SCRATCH:
        roads = '{"kind": "none", "reason": "Copie de travail sans réseau (contrôle des couches avant l\'import des lignes)."}'
    else:
        roads = ('{"kind": "lines", "path": "%s",\n'
                 '    "class_field": "subclass", "class_fallback_field": "class",\n'
                 '    "oneway_field": "oneway", "ramp_field": "ramp", "service_field": "service",\n'
                 '    "name_field": "name", "ref_field": "ref",\n'
                 '    "profile": "profiles/car.json", "date": "2021-08",\n'
                 '    "source": "© contributeurs OpenStreetMap (ODbL), réseau routier OSM 2021 (tuiles vectorielles OpenMapTiles z14, tokenless-tiles/%s)"}'
                 % (b['roads'], b['region']))
    extra = ''
    if b.get('extra_hospitals'):
        extra = (',\n    {\n      "path": "eurostat-healthcare/hospitals-finess-2020-%s.csv",\n'
                 '      "kind": "hospital", "id": "id", "name": "hospital_name", "id_prefix": "FINESS-",\n'
                 '      "x": "lon", "y": "lat", "crs": "EPSG:4326", "category": "facility_type",\n'
                 '      "source": "FINESS via Eurostat GISCO healthcare services (référence 06/03/2020), autre moitié du bassin ferrifère",\n'
                 '      "flags": {\n        "urgent_care": %s\n      }\n    }') % (b['extra_hospitals'], json.dumps(URGENT, ensure_ascii=False))
    pharm = ''
    if b['pharmacies']:
        pharm = (',\n    {\n      "path": "%s",\n      "where": {"osm_amenity": "pharmacy"},\n'
                 '      "kind": "pharmacy", "name": "name", "unnamed": "Pharmacie (sans nom dans OpenStreetMap)",\n'
                 '      "id_prefix": "OSM-PHARMACIE-",\n'
                 '      "location_note": "point OpenStreetMap 2021 (centroïde pour un bâtiment)",\n'
                 '      "source": "pharmacies OpenStreetMap 2021, liste non exhaustive"\n    }') % b['pharmacies']
    text = f'''{{
  "format": "recompose-manifest/1",
  "name": {dumps(b['name'])},
  "title": {dumps(b['title'])},
  "description": {dumps(desc)},
  "communes": {{
    "select": {{
      "path": "insee-zonages/table-appartenance-geo-communes-2022-{F}.csv",
      "where": {where},
      "code": "CODGEO",
      "source": {dumps(sel_source)}
    }},
    "population": {{
      "path": "etalab-decoupage-administratif/communes-{F}.json",
      "where": {{"type": "commune-actuelle"}},
      "code": "code", "name": "nom", "population": "population", "year": 2026,
      "source": "INSEE, populations légales (millésime 2026 selon @etalab/decoupage-administratif 6.0.0)"
    }},
    "geometry": [
{geometry}
    ],
    "epci": {{"path": "etalab-decoupage-administratif/epci-{F}.json",
             "source": "DGCL / INSEE, EPCI 2026 (@etalab/decoupage-administratif 6.0.0)"}},
    "zonage": {{"path": "insee-zonages/table-appartenance-geo-communes-2022-{F}.csv",
               "code": "CODGEO", "ze": "ZE2020", "dep": "DEP",
               "source": "INSEE, table d'appartenance géographique des communes 2022"}}
  }},
  "units": {{
    "path": "contours-iris-2020/contours-iris-2020-{F}.geojson",
    "code": "code_iris", "commune": "insee_com", "name": "nom_iris", "type": "typ_iris",
    "source": "IGN / INSEE CONTOURS-IRIS 2020 (dérivé de tuiles vectorielles, ≈12 m)",
    "population": {{
      "path": "insee-iris/rp2016-population-iris-habitat-{F}.csv",
      "code": "IRIS",
      "sum": ["P16_POP0014", "P16_POP1529", "P16_POP3044", "P16_POP4559", "P16_POP6074", "P16_POP75P"],
      "year": 2016,
      "source": "INSEE RP 2016, population des IRIS d'habitat par âge"
    }}
  }},
  "facilities": [
    {{
      "path": "eurostat-healthcare/hospitals-finess-2020-{F}.csv",
      "kind": "hospital", "id": "id", "name": "hospital_name", "id_prefix": "FINESS-",
      "x": "lon", "y": "lat", "crs": "EPSG:4326", "category": "facility_type",
      "source": "FINESS via Eurostat GISCO healthcare services (référence 06/03/2020)",
      "flags": {{
        "urgent_care": {json.dumps(URGENT, ensure_ascii=False)}
      }}
    }},
    {{
      "path": "insee-bpe-2017/bpe2017-d201-medecins-generalistes-communes-{F}.csv",
      "kind": "gp_point", "id_prefix": "BPE-D201-",
      "commune_counts": {{"commune": "CODGEO", "count": "NB_D201"}},
      "name": "{{count}} médecin(s) généraliste(s)",
      "capacity_unit": "médecins généralistes",
      "location_note": "point représentatif de la commune : la BPE 2017 ne donne que des comptes par commune",
      "source": "INSEE, Base permanente des équipements 2017 (D201)"
    }}{extra}{pharm}
  ],
  "indicators": [
    {{"path": "insee-mortalite/taux-mortalite-brut-1968-2018-epci-{F}.csv", "level": "epci", "key": "codgeo",
     "where": {{"an": "2013-2018"}}, "period": "2013-2018",
     "columns": {{"tx_morta": "taux_mortalite_brut_pour_mille"}},
     "source": "INSEE, taux brut de mortalité par EPCI (RP séries historiques / état civil)"}},
    {{"path": "insee-iris/filosofi-2019-revenu-disponible-iris-{F}.csv", "level": "iris", "key": "IRIS",
     "period": "2019",
     "columns": {{"DISP_TP6019": "taux_pauvrete_pct", "DISP_MED19": "niveau_vie_median_eur"}},
     "source": "INSEE Filosofi 2019, revenus disponibles par IRIS"}},
    {{"path": "insee-iris/rp2020-part-menages-sans-voiture-iris-{F}.csv", "level": "iris", "key": "code_iris",
     "period": "2020",
     "columns": {{"part_sans_voiture": "part_menages_sans_voiture"}},
     "source": "INSEE RP 2020, base infracommunale logement (part calculée par bovine3dom/france-iris)"}},
    {{"path": "insee-bpe-2017/bpe2017-d201-medecins-generalistes-communes-{F}.csv", "level": "commune",
     "key": "CODGEO", "period": "2017",
     "columns": {{"NB_D201": "nb_medecins_generalistes"}},
     "source": "INSEE, Base permanente des équipements 2017 (D201)"}}
  ],
  "roads": {roads},
  "outside_facilities_max_minutes": 60,
  "assumptions": [
    "Population des IRIS : la part de chaque IRIS d'habitat dans la population RP 2016 de sa commune est appliquée à la population légale 2026 de la commune ; les IRIS d'activité ou divers (A, D) sans population 2016 reçoivent 0 ; une commune non découpée forme une seule unité.",
    "Point représentatif d'une unité : point intérieur (point-on-surface) de son polygone, faute de carroyage de population.",
    "Périmètre : communes des zonages officiels retenus dont au moins 80 % de la surface est dans l'emprise du réseau routier OSM 2021 ; les routes hors de cette emprise manquent. Un établissement hors des communes du territoire est gardé (drapeau hors_territoire) s'il est à moins de 60 minutes d'une unité par la route, dans la limite des fichiers d'établissements lus (départements {{DEPS_FILES}}).",{{PHARM_ASSUMPTION}}
    "Vitesses de circulation libre par type de voie OSM (autoroute 110 km/h, voie express 90, route principale 70, secondaire 60, tertiaire 50, rue 30, voie de service 15, allée de parking 10 km/h) ; sens uniques OSM respectés ; pas de congestion ; réseau OpenStreetMap d'août 2021 (les routes ouvertes depuis manquent).",
    "Accès hors réseau : distance à vol d'oiseau du point au tronçon le plus proche où l'on peut entrer (jamais une autoroute, une bretelle, une allée de parking ni un accès privé), parcourue à 15 km/h ; au-delà de 1 km, l'unité est déclarée hors réseau et n'est pas routée."
  ]
}}
'''
    text = text.replace('{DEPS_FILES}', ', '.join(sorted(set((F + '-' + b.get('extra_hospitals', '')).strip('-').split('-')), key=lambda d: (F + '-' + b.get('extra_hospitals', '')).split('-').index(d))))
    text = text.replace('{PHARM_ASSUMPTION}', ('\n    "Pharmacies : points OpenStreetMap 2021, liste non exhaustive (OSM manque des officines) ; à remplacer par le répertoire FINESS (catégorie « pharmacie d\'officine ») dès qu\'il est disponible. Identifiants = numéro du point dans le fichier (OSM-PHARMACIE-n), faute d\'identifiant OSM.",') if b['pharmacies'] else '')
    json.loads(text)
    open(os.path.join(OUT, b['name'] + '.json'), 'w').write(text)
    summary.append((b['name'], len(kept), pop, len(dropped), dpop, merged, ext))
for s in summary:
    print(*s)
