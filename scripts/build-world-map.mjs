#!/usr/bin/env node
// Builds the card's map from Natural Earth (public domain) as packaged by the npm package world-atlas.
// Run once by a person, like libman for htmx; the result is committed and the site never builds it.
//
//   node scripts/build-world-map.mjs           fetch the pinned package with `npm pack`, write the files
//   node scripts/build-world-map.mjs --check   exit 1 when a committed file differs from a fresh build
//
// What it writes:
//   src/RazorIpInfo/wwwroot/img/world.svg            the world view: 1:110m land, whole degrees (~1 KB gzip)
//   src/RazorIpInfo/wwwroot/img/land/{col}-{row}.svg  the regional view's land: 1:50m, a tenth of a degree,
//                                                    cut into TILE-degree squares, so a card fetches only
//                                                    the one to four squares its view touches
//   src/RazorIpInfo/wwwroot/img/countries/{xx}.svg    one country's outline (1:50m, ISO alpha-2, lower case),
//                                                    fetched only for the country a card names
//   src/RazorIpInfo/Pages/Map/MapAssets.g.cs         which squares hold land and each country's box, so
//                                                    the server never links a file that is not there
//
// Projection: equirectangular (plate carrée), one viewBox unit per degree: x = longitude + 180,
// y = 90 − latitude, viewBox 0 0 360 180. The server places markers and views with the same formula
// (Pages/Map/MapProjection.cs), and the tests check that known cities fall on land in these files.
//
// Only npm (for `npm pack`) and tar are needed: no global installs, no other network.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "world-atlas@2.0.2";
// The registry's integrity for that version: a different tarball is refused, so every build starts
// from the same data.
const INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==";
const FILES = ["land-110m.json", "land-50m.json", "countries-50m.json"];

// The map is drawn 300–700 px wide, one to two pixels a degree, and its outline is part of the
// first load's 25 KB budget (docs/performance.md), so it is coarse on purpose: Douglas–Peucker to
// TOLERANCE degrees, points rounded to whole degrees, islands under MIN_AREA square degrees (Ireland
// is 11, Taiwan 4) left out: a marker, ten degrees across, covers more than any island dropped.
const TOLERANCE = 2;
const MIN_AREA = 10;

// The regional view shows 24 × 12 degrees in the same 300–700 px (Pages/Map/MapProjection.cs), 15 to 30
// px a degree, so its land and outlines keep a tenth of a degree: Douglas–Peucker to FINE_TOLERANCE,
// points rounded to FINE_STEP, islands under FINE_MIN_AREA square degrees (a few pixels) left out.
const FINE_TOLERANCE = 0.04;
const FINE_STEP = 0.1;
const FINE_MIN_AREA = 0.01;
// Land squares of TILE degrees; each is cut TILE_MARGIN wider on every side so neighbours overlap and
// no hairline shows where they meet (the card draws them in one group, whose opacity applies once).
const TILE = 30;
const TILE_MARGIN = 0.25;

// ISO 3166-1 numeric (world-atlas's ids) to alpha-2 (what providers name), from the standard's table.
// prettier-ignore
const ALPHA2 = {
  4:"AF", 8:"AL", 10:"AQ", 12:"DZ", 16:"AS", 20:"AD", 24:"AO", 28:"AG", 31:"AZ", 32:"AR", 36:"AU",
  40:"AT", 44:"BS", 48:"BH", 50:"BD", 51:"AM", 52:"BB", 56:"BE", 60:"BM", 64:"BT", 68:"BO", 70:"BA",
  72:"BW", 76:"BR", 84:"BZ", 86:"IO", 90:"SB", 92:"VG", 96:"BN", 100:"BG", 104:"MM", 108:"BI",
  112:"BY", 116:"KH", 120:"CM", 124:"CA", 132:"CV", 136:"KY", 140:"CF", 144:"LK", 148:"TD", 152:"CL",
  156:"CN", 158:"TW", 170:"CO", 174:"KM", 178:"CG", 180:"CD", 184:"CK", 188:"CR", 191:"HR", 192:"CU",
  196:"CY", 203:"CZ", 204:"BJ", 208:"DK", 212:"DM", 214:"DO", 218:"EC", 222:"SV", 226:"GQ", 231:"ET",
  232:"ER", 233:"EE", 234:"FO", 238:"FK", 239:"GS", 242:"FJ", 246:"FI", 248:"AX", 250:"FR", 258:"PF",
  260:"TF", 262:"DJ", 266:"GA", 268:"GE", 270:"GM", 275:"PS", 276:"DE", 288:"GH", 296:"KI", 300:"GR",
  304:"GL", 308:"GD", 316:"GU", 320:"GT", 324:"GN", 328:"GY", 332:"HT", 334:"HM", 336:"VA", 340:"HN",
  344:"HK", 348:"HU", 352:"IS", 356:"IN", 360:"ID", 364:"IR", 368:"IQ", 372:"IE", 376:"IL", 380:"IT",
  384:"CI", 388:"JM", 392:"JP", 398:"KZ", 400:"JO", 404:"KE", 408:"KP", 410:"KR", 414:"KW", 417:"KG",
  418:"LA", 422:"LB", 426:"LS", 428:"LV", 430:"LR", 434:"LY", 438:"LI", 440:"LT", 442:"LU", 446:"MO",
  450:"MG", 454:"MW", 458:"MY", 462:"MV", 466:"ML", 470:"MT", 478:"MR", 480:"MU", 484:"MX", 492:"MC",
  496:"MN", 498:"MD", 499:"ME", 500:"MS", 504:"MA", 508:"MZ", 512:"OM", 516:"NA", 520:"NR", 524:"NP",
  528:"NL", 531:"CW", 533:"AW", 534:"SX", 540:"NC", 548:"VU", 554:"NZ", 558:"NI", 562:"NE", 566:"NG",
  570:"NU", 574:"NF", 578:"NO", 580:"MP", 583:"FM", 584:"MH", 585:"PW", 586:"PK", 591:"PA", 598:"PG",
  600:"PY", 604:"PE", 608:"PH", 612:"PN", 616:"PL", 620:"PT", 624:"GW", 626:"TL", 630:"PR", 634:"QA",
  642:"RO", 643:"RU", 646:"RW", 652:"BL", 654:"SH", 659:"KN", 660:"AI", 662:"LC", 663:"MF", 666:"PM",
  670:"VC", 674:"SM", 678:"ST", 682:"SA", 686:"SN", 688:"RS", 690:"SC", 694:"SL", 702:"SG", 703:"SK",
  704:"VN", 705:"SI", 706:"SO", 710:"ZA", 716:"ZW", 724:"ES", 728:"SS", 729:"SD", 732:"EH", 740:"SR",
  748:"SZ", 752:"SE", 756:"CH", 760:"SY", 762:"TJ", 764:"TH", 768:"TG", 776:"TO", 780:"TT", 784:"AE",
  788:"TN", 792:"TR", 795:"TM", 796:"TC", 800:"UG", 804:"UA", 807:"MK", 818:"EG", 826:"GB", 831:"GG",
  832:"JE", 833:"IM", 834:"TZ", 840:"US", 850:"VI", 854:"BF", 858:"UY", 860:"UZ", 862:"VE", 876:"WF",
  882:"WS", 887:"YE", 894:"ZM",
};
// Natural Earth shapes without an ISO number, folded into the country providers name for them.
const ALPHA2_BY_NAME = { Somaliland: "SO", Kosovo: "XK", "N. Cyprus": "CY" };

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const wwwroot = join(repo, "src/RazorIpInfo/wwwroot");
const target = join(wwwroot, "img/world.svg");
const tableTarget = join(repo, "src/RazorIpInfo/Pages/Map/MapAssets.g.cs");

function fetchTopology() {
  const work = mkdtempSync(join(tmpdir(), "world-atlas-"));
  try {
    const name = execFileSync("npm", ["pack", "--silent", PACKAGE], { cwd: work, encoding: "utf8" }).trim().split("\n").pop();
    const tarball = readFileSync(join(work, name));
    const integrity = "sha512-" + createHash("sha512").update(tarball).digest("base64");
    if (integrity !== INTEGRITY) {
      throw new Error(`${PACKAGE} does not match its pinned integrity (got ${integrity})`);
    }
    execFileSync("tar", ["-xzf", name, ...FILES.map((file) => "package/" + file)], { cwd: work });
    return Object.fromEntries(FILES.map((file) => [file, JSON.parse(readFileSync(join(work, "package", file), "utf8"))]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// TopoJSON: arcs are delta-encoded quantized positions; a ring is a list of arc indexes, ~i meaning
// arc i reversed, consecutive arcs sharing their end point. The rings of the given geometries.
function rings(topology, geometries) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]);
  });
  const ring = (ids) => {
    const points = [];
    for (const id of ids) {
      const arc = id < 0 ? arcs[~id].slice().reverse() : arcs[id];
      points.push(...(points.length ? arc.slice(1) : arc));
    }
    return points;
  };
  const result = [];
  for (const geometry of geometries) {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
    for (const polygon of polygons) {
      for (const ids of polygon) result.push(ring(ids));
    }
  }
  return result;
}

// Longitude/latitude ring to a viewBox ring without a jump at the antimeridian: a ring that crosses
// it (Russia, Fiji) goes on past x = 360 (or below 0), so it is drawn whole wherever it is drawn. A
// ring that goes once round the world (Antarctica) is closed along the pole.
function continuous(ring) {
  const points = [[ring[0][0] + 180, 90 - ring[0][1]]];
  for (let i = 1; i < ring.length; i++) {
    const [lon, lat] = ring[i];
    const previous = points[points.length - 1][0];
    let x = lon + 180;
    while (x - previous > 180) x -= 360;
    while (previous - x > 180) x += 360;
    points.push([x, 90 - lat]);
  }
  const turn = points[points.length - 1][0] - points[0][0];
  if (Math.abs(turn) > 180) {
    const pole = points[0][1] > 90 ? 180 : 0;
    points.push([points[points.length - 1][0], pole], [points[0][0], pole]);
  }
  return points;
}

// A continuous ring drawn where it falls and shifted by a world's width, each copy clipped to the map.
function project(ring) {
  const points = continuous(ring);
  const out = [];
  for (const shift of [0, -360, 360]) {
    const clipped = clip(points.map(([x, y]) => [x + shift, y]), 0, 0, 360, 180);
    if (clipped.length >= 3) out.push(clipped);
  }
  return out;
}

// Sutherland–Hodgman against a rectangle. A concave ring may come out with edges of no width along
// the rectangle's side; filled, they draw nothing.
function clip(points, left, top, right, bottom) {
  const edge = (input, inside, cross) => {
    const output = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i];
      const previous = input[(i + input.length - 1) % input.length];
      if (inside(current)) {
        if (!inside(previous)) output.push(cross(previous, current));
        output.push(current);
      } else if (inside(previous)) {
        output.push(cross(previous, current));
      }
    }
    return output;
  };
  const atX = (x) => (a, b) => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const atY = (y) => (a, b) => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  let result = edge(points, (p) => p[0] >= left, atX(left));
  result = edge(result, (p) => p[0] <= right, atX(right));
  result = edge(result, (p) => p[1] >= top, atY(top));
  return edge(result, (p) => p[1] <= bottom, atY(bottom));
}

function simplify(points, tolerance) {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    const [ax, ay] = points[first];
    const [bx, by] = points[last];
    const length = Math.hypot(bx - ax, by - ay);
    let worst = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i];
      const distance = length === 0
        ? Math.hypot(px - ax, py - ay)
        : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
      if (distance > worst) {
        worst = distance;
        index = i;
      }
    }
    if (worst > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

// A closed ring simplified, its closing point dropped again.
const simplifyRing = (ring, tolerance) => simplify([...ring, ring[0]], tolerance).slice(0, -1);

const area = (points) =>
  Math.abs(points.reduce((sum, [x, y], i) => {
    const [nx, ny] = points[(i + 1) % points.length];
    return sum + x * ny - nx * y;
  }, 0)) / 2;

// Rounded to `step` degrees, relative moves after the first: "M12 34l1-2 3 0…z" (whole degrees) or
// "M12.3 34l.1-2.5…z" (tenths). Positions are rounded, then differenced as whole steps, so the moves
// add up to the rounded positions exactly. Negative numbers need no separator.
function path(polygons, step, minArea) {
  const scale = Math.round(1 / step);
  const number = (steps) => {
    const text = String(Math.abs(steps) / scale).replace(/^0\./, ".");
    return (steps < 0 ? "-" : "") + text;
  };
  let d = "";
  for (const polygon of polygons) {
    const rounded = [];
    for (const [x, y] of polygon) {
      const point = [Math.round(x * scale), Math.round(y * scale)];
      const last = rounded[rounded.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) rounded.push(point);
    }
    while (rounded.length > 1 && rounded[0][0] === rounded.at(-1)[0] && rounded[0][1] === rounded.at(-1)[1]) rounded.pop();
    if (rounded.length < 3 || area(rounded) / (scale * scale) < minArea) continue;
    let segment = `M${number(rounded[0][0])} ${number(rounded[0][1])}l`;
    for (let i = 1; i < rounded.length; i++) {
      const dx = number(rounded[i][0] - rounded[i - 1][0]);
      const dy = number(rounded[i][1] - rounded[i - 1][1]);
      segment += (i > 1 && !dx.startsWith("-") ? " " : "") + dx + (dy.startsWith("-") ? "" : " ") + dy;
    }
    d += segment + "z";
  }
  return d;
}

const svgFile = (viewBox, source, body) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}">` +
  `<!-- Natural Earth ${source} (public domain) from ${PACKAGE}; scripts/build-world-map.mjs -->${body}</svg>\n`;

// The world view: the whole land at 1:110m, coarse on purpose (see TOLERANCE).
export function buildWorld(topology) {
  const polygons = rings(topology, topology.objects.land.geometries)
    .flatMap(project)
    .map((ring) => simplifyRing(ring, TOLERANCE));
  return svgFile("0 0 360 180", "1:110m land", `<path id="land" d="${path(polygons, 1, MIN_AREA)}"/>`);
}

// The regional view's land, square by square: file name → SVG, for the squares that hold any.
// Each ring is continuous and copied a world to either side, not clipped at the map's edge first: the
// squares beside the antimeridian then overlap across it like any others, with no seam at 180°.
export function buildTiles(topology) {
  const polygons = rings(topology, topology.objects.land.geometries)
    .map(continuous)
    .map((ring) => simplifyRing(ring, FINE_TOLERANCE))
    .flatMap((ring) => [0, -360, 360].map((shift) => ring.map(([x, y]) => [x + shift, y])));
  const tiles = new Map();
  for (let row = 0; row < 180 / TILE; row++) {
    for (let col = 0; col < 360 / TILE; col++) {
      const [left, top] = [col * TILE - TILE_MARGIN, row * TILE - TILE_MARGIN];
      const inside = polygons.map((ring) => clip(ring, left, top, left + TILE + 2 * TILE_MARGIN, top + TILE + 2 * TILE_MARGIN));
      const d = path(inside.filter((ring) => ring.length >= 3), FINE_STEP, FINE_MIN_AREA);
      if (d) {
        tiles.set(`${col}-${row}`, svgFile(`${left} ${top} ${TILE + 2 * TILE_MARGIN} ${TILE + 2 * TILE_MARGIN}`, "1:50m land", `<path id="land" d="${d}"/>`));
      }
    }
  }
  return tiles;
}

// One file per country, its rings continuous across the antimeridian (the server draws a shifted copy
// where a view crosses it), with its box in viewBox units. The stroke keeps its width in pixels,
// whatever the zoom: vector-effect is not inherited from the card's <use>, so it is set here.
export function buildCountries(topology) {
  const byCode = new Map();
  for (const geometry of topology.objects.countries.geometries) {
    const code = geometry.id === undefined ? ALPHA2_BY_NAME[geometry.properties.name] : ALPHA2[Number(geometry.id)];
    if (!code) continue; // Siachen Glacier; Indian Ocean Ter. (Christmas and Cocos Islands, 1:50m has no ISO number for them)
    byCode.set(code, [...(byCode.get(code) ?? []), geometry]);
  }
  const countries = new Map();
  for (const code of [...byCode.keys()].sort()) {
    const polygons = together(rings(topology, byCode.get(code)).map(continuous)).map((ring) => simplifyRing(ring, FINE_TOLERANCE));
    // An island state whose every island is under the threshold keeps them all: it is the one shown.
    const minArea = polygons.some((ring) => area(ring) >= FINE_MIN_AREA) ? FINE_MIN_AREA : 0;
    const d = path(polygons, FINE_STEP, minArea);
    if (!d) continue;
    const kept = polygons.filter((ring) => area(ring) >= minArea);
    const xs = kept.flat().map(([x]) => x);
    const ys = kept.flat().map(([, y]) => y);
    const box = [Math.floor(Math.min(...xs)), Math.floor(Math.min(...ys)), Math.ceil(Math.max(...xs)), Math.ceil(Math.max(...ys))];
    const svg = svgFile(`${box[0]} ${box[1]} ${box[2] - box[0]} ${box[3] - box[1]}`, `1:50m admin 0 (${code})`,
      `<path id="country" vector-effect="non-scaling-stroke" d="${d}"/>`);
    countries.set(code, { svg, box });
  }
  return countries;
}

// A country's rings, each shifted by a world's width where that brings it nearer its largest one, so
// that islands on both sides of the antimeridian (Fiji, the Aleutians, Wrangel Island, the Chathams)
// sit beside their country rather than at the other edge of the map, and the country's box is small.
function together(polygons) {
  const middle = (ring) => ring.reduce((sum, [x]) => sum + x, 0) / ring.length;
  const main = middle(polygons.reduce((a, b) => (area(b) > area(a) ? b : a)));
  return polygons.map((ring) => {
    const shift = Math.round((main - middle(ring)) / 360) * 360;
    return shift ? ring.map(([x, y]) => [x + shift, y]) : ring;
  });
}

function table(tiles, countries) {
  const columns = 360 / TILE;
  const indexes = [...tiles.keys()].map((key) => key.split("-").map(Number)).map(([col, row]) => row * columns + col).sort((a, b) => a - b);
  const lines = [];
  let line = "";
  for (const [code, { box }] of countries) {
    const entry = `["${code}"] = new(${box.join(", ")}),`;
    if (line.length + entry.length > 110) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += entry + " ";
  }
  lines.push(line.trimEnd());
  return `// <auto-generated>
// Written by scripts/build-world-map.mjs from ${PACKAGE} (Natural Earth 1:50m); do not edit.
// </auto-generated>
namespace RazorIpInfo.Pages.Map;

public static partial class MapAssets
{
    /// <summary>The side of a land square (wwwroot/img/land/{column}-{row}.svg), in degrees.</summary>
    public const int TileSize = ${TILE};

    /// <summary>The squares that hold land, as row × ${columns} + column; the others have no file.</summary>
    private static readonly int[] LandTiles = [${indexes.join(", ")}];

    /// <summary>Each outlined country's box in viewBox units (x may pass 360 where it crosses the antimeridian).</summary>
    private static readonly Dictionary<string, MapBox> CountryBoxes = new(StringComparer.OrdinalIgnoreCase)
    {
${lines.map((l) => "        " + l).join("\n")}
    };
}
`;
}

// Every file the build writes, by path under the repository.
function outputs(topologies) {
  const files = new Map([[target, buildWorld(topologies["land-110m.json"])]]);
  const tiles = buildTiles(topologies["land-50m.json"]);
  for (const [name, svg] of tiles) files.set(join(wwwroot, "img/land", name + ".svg"), svg);
  const countries = buildCountries(topologies["countries-50m.json"]);
  for (const [code, { svg }] of countries) files.set(join(wwwroot, "img/countries", code.toLowerCase() + ".svg"), svg);
  files.set(tableTarget, table(tiles, countries));
  return files;
}

const files = outputs(fetchTopology());
const folders = [join(wwwroot, "img/land"), join(wwwroot, "img/countries")];
const stale = folders.flatMap((folder) => (existsSync(folder) ? readdirSync(folder).map((name) => join(folder, name)) : []))
  .filter((file) => !files.has(file));
if (process.argv.includes("--check")) {
  const differ = [...files].filter(([file, text]) => (existsSync(file) ? readFileSync(file, "utf8") : "") !== text).map(([file]) => file);
  if (differ.length || stale.length) {
    console.error(`${[...differ, ...stale].map((file) => relative(repo, file)).join(", ")} differ from a fresh build: run node scripts/build-world-map.mjs`);
    process.exit(1);
  }
  console.log(`${files.size} files match a fresh build.`);
} else {
  for (const file of stale) rmSync(file);
  for (const [file, text] of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const size = (match) => [...files].filter(([file]) => match(file)).reduce((sum, [, text]) => sum + text.length, 0);
  console.log(`Wrote ${files.size} files: world.svg ${files.get(target).length} bytes, ` +
    `land squares ${size((f) => f.includes("/img/land/"))} bytes, countries ${size((f) => f.includes("/img/countries/"))} bytes.`);
}
