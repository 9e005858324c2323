#!/usr/bin/env python3
"""Writes the FICTITIOUS example regime data of datasets/examples/ (issue 12).

    données fictives d'exemple — à remplacer par les données de la CARMI

Nothing here describes the real offer of Filieris: no such data is public. The
script only borrows real, public positions and populations so that the example
looks like a basin:
  - NPDC sites: the point-on-surface of the 21 UNESCO "Équipement SSM" buildings
    (historic mining health buildings, bassin-minier-unesco/batis.geojson), plus
    sites placed at the representative point of communes the seeds name (Lens,
    Liévin, Méricourt) -- their coordinates are left empty on purpose;
  - Loire sites: communes the seeds name (La Ricamarie, Roche-la-Molière: the two
    "ouverture raisonnée" pharmacies of 000 l.796) and a few others, all placed at
    their commune's representative point, except Saint-Étienne (a point near the
    Couriot pit);
  - teams, hours, chairs, activity: invented, varied so that every indicator has
    cases on both sides of its threshold, and a few values left empty (unknown);
  - affiliates per commune: population x share, share = 6 % (NPDC) or 5 % (Loire)
    x exp(-d / 8 km) (NPDC) or exp(-d / 6 km) (Loire), d = distance from the
    commune's mean vertex to the nearest historic pit (NPDC: the 17 "Fosse"
    buildings of batis.geojson; Loire: four approximate pit positions written
    below), rounded; communes with fewer than 5 affiliates are left out. The 75+
    band is 45 % of the total. Year 2024.

Usage: python3 datasets/examples/make_regime_examples.py [DATA_ROOT]
(DATA_ROOT defaults to $RECOMPOSE_DATA_ROOT or ../shared/datasets/raw; read only.)
"""
import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "RECOMPOSE_DATA_ROOT", os.path.join(HERE, "..", "..", "..", "shared", "datasets", "raw"))
LABEL = "données fictives d'exemple — à remplacer par les données de la CARMI"


def rings(geom):
    c = geom["coordinates"]
    if geom["type"] == "Polygon":
        return [c[0]]
    return [p[0] for p in c]


def mean_vertex(geom):
    ring = max(rings(geom), key=len)
    return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))


def km(a, b):
    lat = math.radians((a[1] + b[1]) / 2)
    dx = (a[0] - b[0]) * 111.32 * math.cos(lat)
    dy = (a[1] - b[1]) * 110.57
    return math.hypot(dx, dy)


def point_on_surface(geom):
    # Building polygons are small and convex enough: the mean vertex lies inside.
    return mean_vertex(geom)


SITE_FIELDS = ["id", "avertissement", "nom", "centre", "nom_centre", "type", "statut_pharmacie", "finess",
               "code_commune", "lon", "lat", "etp_mg", "etp_specialiste", "etp_dentiste", "etp_infirmier",
               "etp_kine", "heures_semaine", "jours_semaine", "fauteuils", "patients_mines", "patients_autres",
               "actes_mines", "actes_autres", "origine_position"]


def write_csv(path, fields, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})
    os.replace(tmp, path)
    print(f"{path}: {len(rows)} rows")


def site(id_, nom, centre, nom_centre, type_, commune, pos=None, origin="", status="", mg=None, spe=None,
         dent=None, inf=None, kine=None, hours=None, days=None, chairs=None, pm=None, po=None, am=None, ao=None):
    return {"id": id_, "avertissement": LABEL, "nom": nom, "centre": centre, "nom_centre": nom_centre,
            "type": type_, "statut_pharmacie": status, "finess": "", "code_commune": commune,
            "lon": None if pos is None else round(pos[0], 6), "lat": None if pos is None else round(pos[1], 6),
            "etp_mg": mg, "etp_specialiste": spe, "etp_dentiste": dent, "etp_infirmier": inf, "etp_kine": kine,
            "heures_semaine": hours, "jours_semaine": days, "fauteuils": chairs, "patients_mines": pm,
            "patients_autres": po, "actes_mines": am, "actes_autres": ao,
            "origine_position": origin or ("point représentatif de la commune" if pos is None else "")}


def npdc():
    batis = json.load(open(os.path.join(ROOT, "bassin-minier-unesco/batis.geojson"), encoding="utf-8"))
    ssm = {f["properties"]["id_unesco"]: f for f in batis["features"] if f["properties"].get("typologie") == "Équipement SSM"}
    pits = [mean_vertex(f["geometry"]) for f in batis["features"] if f["properties"].get("typologie") == "Fosse"]
    communes = json.load(open(os.path.join(ROOT, "bassin-minier-unesco/communes-mbm.geojson"), encoding="utf-8"))

    def at(uid):
        return point_on_surface(ssm[uid]["geometry"])

    def o(uid):
        p = ssm[uid]["properties"]
        return f"bâtiment UNESCO {uid} « {p['nom']} » ({p['commune_1']}), point intérieur"

    S = []
    # Lens - Liévin - Hénin (Lens-Hénin zone de proximité)
    S.append(site("LENS-CM", "Centre de santé de Lens", "C-LENS", "Centre de santé de Lens", "centre_polyvalent", "62498",
                  at("63AN"), o("63AN"), mg=4, spe=1.5, dent=2, inf=3, kine=1, hours=55, days=5, chairs=2,
                  pm=5200, po=1900, am=31000, ao=9800))
    S.append(site("LENS-FOUQ", "Antenne de Fouquières-lès-Lens", "C-LENS", "Centre de santé de Lens", "antenne", "62351",
                  at("55E"), o("55E"), mg=1, spe=0, dent=0, inf=1, kine=0, hours=20, days=5, pm=700, po=120, am=4200, ao=600))
    S.append(site("LENS-PH", "Pharmacie minière de Lens", "PH-LENS", "Pharmacie minière de Lens", "pharmacie", "62498",
                  None, status="reservee", hours=50, days=6))
    S.append(site("LIEVIN-CS", "Centre de santé de Liévin", "C-LIEVIN", "Centre de santé de Liévin", "centre_polyvalent", "62510",
                  None, mg=3, spe=1, dent=1, inf=2, kine=0.5, hours=45, days=5, chairs=1, pm=4100, po=1300, am=24000, ao=6100))
    S.append(site("LIEVIN-GRENAY", "Antenne de Grenay", "C-LIEVIN", "Centre de santé de Liévin", "antenne", "62386",
                  at("85"), o("85"), mg=1, spe=0, dent=0, inf=0.5, kine=0, hours=16, days=4, pm=600, po=90, am=3500, ao=400))
    S.append(site("LIEVIN-PH", "Pharmacie minière de Liévin", "PH-LIEVIN", "Pharmacie minière de Liévin", "pharmacie", "62510",
                  None, status="reservee", hours=48, days=6))
    S.append(site("MERICOURT-CS", "Centre de santé de Méricourt", "C-MERICOURT", "Centre de santé de Méricourt",
                  "centre_polyvalent", "62570", None, mg=3.5, spe=0, dent=1, inf=2, kine=1, hours=50, days=5, chairs=1,
                  pm=3000, po=1100, am=18500, ao=5200))
    S.append(site("HENIN-CS", "Centre de santé d'Hénin-Beaumont", "C-HENIN", "Centre de santé d'Hénin-Beaumont",
                  "centre_polyvalent", "62427", at("45C"), o("45C"), mg=2.5, spe=0, dent=1, inf=2, kine=0, hours=40, days=5,
                  chairs=1, pm=2600, po=800, am=15800, ao=3900))
    S.append(site("OIGNIES-CS", "Centre de santé d'Oignies", "C-OIGNIES", "Centre de santé d'Oignies", "centre_polyvalent",
                  "62637", at("42D"), o("42D"), mg=4, spe=1, dent=2, inf=3, kine=1, hours=50, days=5, chairs=3,
                  pm=3900, po=1500, am=23500, ao=8800))
    S.append(site("BULLY-CS", "Centre médical de Bully-les-Mines", "C-BULLY", "Centre médical de Bully-les-Mines",
                  "centre_medical", "62186", at("82D"), o("82D"), mg=2, spe=0, dent=0, inf=1, kine=0, hours=35, days=5,
                  pm=1900, po=450, am=11000, ao=2100))
    S.append(site("BULLY-MAZ", "Antenne de Mazingarbe", "C-BULLY", "Centre médical de Bully-les-Mines", "antenne", "62563",
                  at("82C"), o("82C"), mg=0.5, spe=0, dent=0, inf=0, kine=0, hours=12, days=3, pm=350, po=40, am=1900, ao=150))
    S.append(site("ANNEQUIN-CSI", "Centre de soins infirmiers d'Annequin", "C-ANNEQUIN", "Centre de soins infirmiers d'Annequin",
                  "centre_infirmier", "62034", at("78C"), o("78C"), mg=0, spe=0, dent=0, inf=3, kine=0, hours=42, days=6,
                  pm=800, po=150, am=21000, ao=2600))
    S.append(site("HAISNES-CM", "Centre médical d'Haisnes", "C-HAISNES", "Centre médical d'Haisnes", "centre_medical",
                  "62401", at("63H"), o("63H"), mg=1.5, spe=0, dent=0, inf=1, kine=0, hours=None, days=None,
                  pm=1100, po=200, am=None, ao=None))
    S.append(site("HOUDAIN-CS", "Centre de santé d'Houdain", "C-HOUDAIN", "Centre de santé d'Houdain", "centre_polyvalent",
                  "62457", at("99E"), o("99E"), mg=3, spe=0, dent=1, inf=2, kine=0, hours=45, days=5, chairs=1,
                  pm=2500, po=700, am=15500, ao=3600))
    S.append(site("NOEUX-PH", "Pharmacie minière de Nœux-les-Mines", "PH-NOEUX", "Pharmacie minière de Nœux-les-Mines",
                  "pharmacie", "62617", at("88M"), o("88M"), status="reservee", hours=48, days=6))
    # Douaisis - Valenciennois
    S.append(site("GUESNAIN-CS", "Centre de santé de Guesnain", "C-GUESNAIN", "Centre de santé de Guesnain",
                  "centre_polyvalent", "59276", at("24D"), o("24D"), mg=5, spe=3, dent=2, inf=4, kine=1, hours=55, days=5,
                  chairs=3, pm=4800, po=2600, am=30500, ao=14500))
    S.append(site("GUESNAIN-MONTIGNY", "Antenne de Montigny-en-Ostrevent", "C-GUESNAIN", "Centre de santé de Guesnain",
                  "antenne", "59414", at("31D"), o("31D"), mg=1, spe=0, dent=0, inf=1, kine=0, hours=20, days=5,
                  pm=500, po=100, am=3000, ao=450))
    S.append(site("AUBY-CM", "Centre médical d'Auby", "C-AUBY", "Centre médical d'Auby", "centre_medical", "59028",
                  at("37B"), o("37B"), mg=2, spe=0, dent=0, inf=1, kine=0, hours=38, days=5, pm=1700, po=380,
                  am=10200, ao=1900))
    S.append(site("PECQ-CM", "Centre médical de Pecquencourt", "C-PECQUENCOURT", "Centre médical de Pecquencourt",
                  "centre_medical", "59456", at("28C"), o("28C"), mg=2, spe=0, dent=0, inf=2, kine=0, hours=40, days=5,
                  pm=1600, po=420, am=9800, ao=2300))
    S.append(site("PECQ-DENT", "Centre dentaire de Pecquencourt", "C-PECQ-DENT", "Centre dentaire de Pecquencourt",
                  "centre_dentaire", "59456", at("28B"), o("28B"), mg=0, spe=0, dent=1.5, inf=0, kine=0, hours=35, days=5,
                  chairs=2, pm=900, po=850, am=4100, ao=3900))
    S.append(site("ESCAUDAIN-CS", "Centre de santé d'Escaudain", "C-ESCAUDAIN", "Centre de santé d'Escaudain",
                  "centre_polyvalent", "59205", at("19E"), o("19E"), mg=3, spe=0.5, dent=1, inf=2, kine=0.5, hours=45,
                  days=5, chairs=1, pm=2700, po=900, am=16800, ao=4700))
    S.append(site("ESCAUDAIN-LAB", "Laboratoire d'Escaudain", "LAB-NORD", "Laboratoire minier du Nord", "laboratoire",
                  "59205", at("19E"), o("19E"), hours=40, days=5))
    S.append(site("ESCAUDAIN-HAVELUY", "Antenne d'Haveluy", "C-ESCAUDAIN", "Centre de santé d'Escaudain", "antenne",
                  "59292", at("15T"), o("15T"), mg=1, spe=0, dent=0, inf=0.5, kine=0, hours=15, days=5, pm=450, po=60,
                  am=2600, ao=250))
    S.append(site("WALLERS-PH", "Pharmacie minière de Wallers", "PH-WALLERS", "Pharmacie minière de Wallers", "pharmacie",
                  "59632", at("15I"), o("15I"), status="reservee", hours=45, days=6))
    S.append(site("SENTINELLE-CSI", "Centre de soins infirmiers de La Sentinelle", "C-SENTINELLE",
                  "Centre de soins infirmiers de La Sentinelle", "centre_infirmier", "59564", at("13D"), o("13D"), mg=0,
                  spe=0, dent=0, inf=1, kine=0, hours=30, days=5, pm=300, po=40, am=7800, ao=700))
    S.append(site("FRESNES-CM", "Centre médical de Fresnes-sur-Escaut", "C-FRESNES", "Centre médical de Fresnes-sur-Escaut",
                  "centre_medical", "59253", at("6C"), o("6C"), mg=1, spe=0, dent=0, inf=1, kine=0, hours=25, days=5,
                  pm=800, po=150, am=5200, ao=800))
    write_csv(os.path.join(HERE, "regime-npdc-fictif.csv"), SITE_FIELDS, S)

    rows = []
    for f in communes["features"]:
        p = f["properties"]
        c = mean_vertex(f["geometry"])
        d = min(km(c, q) for q in pits)
        n = round(p["population"] * 0.06 * math.exp(-d / 8.0))
        if n >= 5:
            rows.append({"code_commune": p["insee"], "avertissement": LABEL, "nom": p["nom"], "affilies": n,
                         "affilies_75_plus": round(0.45 * n), "distance_fosse_km": round(d, 1)})
    rows.sort(key=lambda r: r["code_commune"])
    write_csv(os.path.join(HERE, "affilies-npdc-fictif.csv"),
              ["code_commune", "avertissement", "nom", "affilies", "affilies_75_plus", "distance_fosse_km"], rows)


def loire():
    S = []
    S.append(site("STE-CS", "Centre de santé de Saint-Étienne", "C-STETIENNE", "Centre de santé de Saint-Étienne",
                  "centre_polyvalent", "42218", (4.3790, 45.4370), "point fictif près du puits Couriot", mg=5, spe=3,
                  dent=2, inf=4, kine=1, hours=55, days=5, chairs=3, pm=3900, po=2300, am=25500, ao=12100))
    S.append(site("STE-FIRMINY", "Antenne de Firminy", "C-STETIENNE", "Centre de santé de Saint-Étienne", "antenne",
                  "42095", None, mg=1, spe=0, dent=0, inf=1, kine=0, hours=20, days=5, pm=650, po=110, am=3900, ao=500))
    S.append(site("RICAMARIE-CS", "Centre de santé de La Ricamarie", "C-RICAMARIE", "Centre de santé de La Ricamarie",
                  "centre_polyvalent", "42183", None, mg=3, spe=0, dent=1, inf=2, kine=0, hours=45, days=5, chairs=1,
                  pm=2400, po=700, am=14500, ao=3500))
    S.append(site("RICAMARIE-PH", "Pharmacie minière de La Ricamarie", "PH-RICAMARIE", "Pharmacie minière de La Ricamarie",
                  "pharmacie", "42183", None, status="ouverture_raisonnee", hours=48, days=6))
    S.append(site("ROCHE-CM", "Centre médical de Roche-la-Molière", "C-ROCHE", "Centre médical de Roche-la-Molière",
                  "centre_medical", "42189", None, mg=2, spe=0, dent=0, inf=1, kine=0, hours=35, days=5, pm=1500,
                  po=300, am=9000, ao=1500))
    S.append(site("ROCHE-PH", "Pharmacie minière de Roche-la-Molière", "PH-ROCHE", "Pharmacie minière de Roche-la-Molière",
                  "pharmacie", "42189", None, status="ouverture_raisonnee", hours=48, days=6))
    S.append(site("CHAMOND-CSI", "Centre de soins infirmiers de Saint-Chamond", "C-CHAMOND",
                  "Centre de soins infirmiers de Saint-Chamond", "centre_infirmier", "42207", None, mg=0, spe=0, dent=0,
                  inf=1.5, kine=0, hours=None, days=None, pm=400, po=80, am=None, ao=None))
    write_csv(os.path.join(HERE, "regime-loire-fictif.csv"), SITE_FIELDS, S)

    # Approximate positions of historic pits (fictitious use: affiliates' density only).
    pits = [(4.3733, 45.4416),  # Saint-Étienne, puits Couriot
            (4.3650, 45.4040),  # La Ricamarie, puits Pigeot
            (4.3240, 45.4320),  # Roche-la-Molière
            (4.2880, 45.3880)]  # Firminy
    codes = []
    with open(os.path.join(ROOT, "france-geojson/communes-emprise-routes-ste-42-43-69-07.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            codes.append(r["code"])
    pops = {}
    for c in json.load(open(os.path.join(ROOT, "etalab-decoupage-administratif/communes-42-43-69-07.json"), encoding="utf-8")):
        if c.get("type") == "commune-actuelle":
            pops[c["code"]] = (c["nom"], c.get("population", 0))
    geoms = {}
    for name in ["communes-42-loire.geojson", "communes-43-69-07-emprise-routes-ste.geojson"]:
        for f in json.load(open(os.path.join(ROOT, "france-geojson", name), encoding="utf-8"))["features"]:
            geoms[f["properties"]["code"]] = f["geometry"]
    rows = []
    for code in codes:
        if code not in geoms or code not in pops:
            continue
        c = mean_vertex(geoms[code])
        d = min(km(c, q) for q in pits)
        n = round(pops[code][1] * 0.05 * math.exp(-d / 6.0))
        if n >= 5:
            rows.append({"code_commune": code, "avertissement": LABEL, "nom": pops[code][0], "affilies": n,
                         "affilies_75_plus": round(0.45 * n), "distance_fosse_km": round(d, 1)})
    rows.sort(key=lambda r: r["code_commune"])
    write_csv(os.path.join(HERE, "affilies-loire-fictif.csv"),
              ["code_commune", "avertissement", "nom", "affilies", "affilies_75_plus", "distance_fosse_km"], rows)


if __name__ == "__main__":
    npdc()
    loire()
