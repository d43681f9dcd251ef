//! The world map of the report: country outlines from a TopoJSON file (the npm package
//! `world-atlas`, which scripts/setup fetches) drawn as SVG paths in the equirectangular
//! projection, so the page needs no script or network to show them.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The outline file scripts/setup puts beside the gazetteer.
pub const FILE: &str = "countries-110m.json";
/// Width and height of the SVG view box: 2.5 units a degree.
pub const WIDTH: f64 = 900.0;
/// Height of the map, in SVG units.
pub const HEIGHT: f64 = 450.0;

/// SVG coordinates of a longitude and latitude.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    ((lon + 180.0) * WIDTH / 360.0, (90.0 - lat) * HEIGHT / 180.0)
}

#[derive(Deserialize)]
struct Topology {
    arcs: Vec<Vec<[f64; 2]>>,
    transform: Transform,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    countries: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon {
        arcs: Vec<Vec<i64>>,
        #[serde(default)]
        properties: Properties,
    },
    MultiPolygon {
        arcs: Vec<Vec<Vec<i64>>>,
        #[serde(default)]
        properties: Properties,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
struct Properties {
    #[serde(default)]
    name: String,
}

/// One country: its name and its outline as SVG path data.
pub struct Country {
    /// Its name.
    pub name: String,
    /// Its outline, an SVG path.
    pub path: String,
}

/// Where `scripts/setup` puts the outlines, if it is there.
pub fn find() -> Option<PathBuf> {
    crate::model::find_set_up(FILE)
}

/// The countries of a TopoJSON file.
pub fn load(path: &Path) -> Result<Vec<Country>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the world map {}", path.display()))?;
    countries(&text).with_context(|| format!("world map {}", path.display()))
}

/// Countries of a TopoJSON topology with a `countries` object. Antarctica is left out: it
/// takes a sixth of an equirectangular map and news rarely is about it.
pub fn countries(topojson: &str) -> Result<Vec<Country>> {
    let topo: Topology = serde_json::from_str(topojson).context("not a TopoJSON topology")?;
    // Arcs are delta-encoded integer positions.
    let arcs: Vec<Vec<(f64, f64)>> = topo
        .arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.iter()
                .map(|&[dx, dy]| {
                    x += dx;
                    y += dy;
                    (
                        x * topo.transform.scale[0] + topo.transform.translate[0],
                        y * topo.transform.scale[1] + topo.transform.translate[1],
                    )
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for geometry in topo.objects.countries.geometries {
        let (polygons, properties) = match geometry {
            Geometry::Polygon { arcs, properties } => (vec![arcs], properties),
            Geometry::MultiPolygon { arcs, properties } => (arcs, properties),
            Geometry::Other => continue,
        };
        if properties.name == "Antarctica" {
            continue;
        }
        let mut path = String::new();
        for ring in polygons.iter().flatten() {
            path.push_str(&ring_path(&ring_points(&arcs, ring)?));
        }
        out.push(Country {
            name: properties.name,
            path,
        });
    }
    Ok(out)
}

/// The points of a ring: its arcs joined, a negative index `!i` meaning arc i reversed.
fn ring_points(arcs: &[Vec<(f64, f64)>], ring: &[i64]) -> Result<Vec<(f64, f64)>> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for &i in ring {
        let (index, reversed) = if i < 0 { (!i, true) } else { (i, false) };
        let Some(arc) = arcs.get(index as usize) else {
            bail!("arc {index} does not exist");
        };
        let mut arc = arc.clone();
        if reversed {
            arc.reverse();
        }
        // Each arc starts where the last ended.
        let skip = usize::from(!points.is_empty());
        points.extend(arc.into_iter().skip(skip));
    }
    Ok(points)
}

/// SVG path data of a ring. Longitudes are made continuous so that a ring crossing the
/// antimeridian (Russia, Fiji) runs off the edge of the map instead of across it.
fn ring_path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let mut last_lon: Option<f64> = None;
    for (k, &(lon, lat)) in points.iter().enumerate() {
        let lon = match last_lon {
            Some(prev) if lon - prev > 180.0 => lon - 360.0,
            Some(prev) if prev - lon > 180.0 => lon + 360.0,
            _ => lon,
        };
        last_lon = Some(lon);
        let (x, y) = project(lon, lat);
        d.push_str(&format!("{}{x:.1},{y:.1}", if k == 0 { 'M' } else { 'L' }));
    }
    if !d.is_empty() {
        d.push('Z');
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection() {
        // (lon, lat, x, y)
        let table = [
            (-180.0, 90.0, 0.0, 0.0),
            (0.0, 0.0, 450.0, 225.0),
            (180.0, -90.0, 900.0, 450.0),
            (30.5, 50.45, 526.25, 98.875),
        ];
        for (lon, lat, x, y) in table {
            assert_eq!(project(lon, lat), (x, y), "{lon} {lat}");
        }
    }

    /// A square of two arcs, the second used reversed, in a topology scaled by 1 degree.
    const SQUARE: &str = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},
        "arcs":[[[0,0],[10,0],[0,10]],[[0,0],[0,10],[10,0]]],
        "objects":{"countries":{"type":"GeometryCollection","geometries":[
          {"type":"Polygon","arcs":[[0,-2]],"id":"1","properties":{"name":"Square"}},
          {"type":"Polygon","arcs":[[0]],"properties":{"name":"Antarctica"}},
          {"type":"Point","coordinates":[1,2]}]}}}"#;

    #[test]
    fn arcs_join_into_rings() {
        let countries = countries(SQUARE).unwrap();
        assert_eq!(countries.len(), 1);
        assert_eq!(countries[0].name, "Square");
        // (0,0) (10,0) (10,10), then arc 1 reversed without its first point: (0,10) (0,0)
        assert_eq!(
            countries[0].path,
            "M450.0,225.0L475.0,225.0L475.0,200.0L450.0,200.0L450.0,225.0Z"
        );
    }

    #[test]
    fn rings_crossing_the_antimeridian_stay_whole() {
        let d = ring_path(&[(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0)]);
        assert_eq!(d, "M897.5,225.0L902.5,225.0L902.5,222.5Z");
    }

    #[test]
    fn a_bad_arc_index_is_an_error() {
        let bad = SQUARE.replace("[[0,-2]]", "[[0,7]]");
        assert!(countries(&bad).is_err());
    }
}
