#!/usr/bin/env node
// Builds src/RazorIpInfo/wwwroot/img/world.svg, the world outline behind the card's map, from Natural
// Earth's 1:110m land (public domain) as packaged by the npm package world-atlas. Run once by a
// person, like libman for htmx; the result is committed and the site never builds it.
//
//   node scripts/build-world-map.mjs           fetch the pinned package with `npm pack`, write the SVG
//   node scripts/build-world-map.mjs --check   exit 1 when the committed SVG differs from a fresh build
//
// Projection: equirectangular (plate carrée), one viewBox unit per degree: x = longitude + 180,
// y = 90 − latitude, viewBox 0 0 360 180. The server places markers with the same formula
// (Pages/Map/MapProjection.cs), and the tests check that known cities fall on land in this file.
//
// Only npm (for `npm pack`) and tar are needed: no global installs, no other network.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = "world-atlas@2.0.2";
// The registry's integrity for that version: a different tarball is refused, so every build starts
// from the same data.
const INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==";
const FILE = "land-110m.json";

// The map is drawn 300–700 px wide, one to two pixels a degree, and its outline is part of the
// first load's 25 KB budget (docs/performance.md), so it is coarse on purpose: Douglas–Peucker to
// TOLERANCE degrees, points rounded to whole degrees, islands under MIN_AREA square degrees (Ireland
// is 11, Taiwan 4) left out: a marker, ten degrees across, covers more than any island dropped.
const TOLERANCE = 2;
const MIN_AREA = 10;

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(repo, "src/RazorIpInfo/wwwroot/img/world.svg");

function fetchTopology() {
  const work = mkdtempSync(join(tmpdir(), "world-atlas-"));
  try {
    const name = execFileSync("npm", ["pack", "--silent", PACKAGE], { cwd: work, encoding: "utf8" }).trim().split("\n").pop();
    const tarball = readFileSync(join(work, name));
    const integrity = "sha512-" + createHash("sha512").update(tarball).digest("base64");
    if (integrity !== INTEGRITY) {
      throw new Error(`${PACKAGE} does not match its pinned integrity (got ${integrity})`);
    }
    execFileSync("tar", ["-xzf", name, "package/" + FILE], { cwd: work });
    return JSON.parse(readFileSync(join(work, "package", FILE), "utf8"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// TopoJSON: arcs are delta-encoded quantized positions; a ring is a list of arc indexes, ~i meaning
// arc i reversed, consecutive arcs sharing their end point.
function rings(topology) {
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
  for (const geometry of topology.objects.land.geometries) {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs;
    for (const polygon of polygons) {
      for (const ids of polygon) result.push(ring(ids));
    }
  }
  return result;
}

// Longitude/latitude ring to viewBox rings, cut at the antimeridian. A ring that crosses it (Russia,
// Fiji) is made continuous, then drawn where it falls and shifted by a world's width, each copy
// clipped to the map. A ring that goes once round the world (Antarctica) is closed along the pole.
function project(ring) {
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
  const out = [];
  for (const shift of [0, -360, 360]) {
    const clipped = clip(points.map(([x, y]) => [x + shift, y]));
    if (clipped.length >= 3) out.push(clipped);
  }
  return out;
}

// Sutherland–Hodgman against 0 ≤ x ≤ 360.
function clip(points) {
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
  const at = (x) => (a, b) => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  return edge(edge(points, (p) => p[0] >= 0, at(0)), (p) => p[0] <= 360, at(360));
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

const area = (points) =>
  Math.abs(points.reduce((sum, [x, y], i) => {
    const [nx, ny] = points[(i + 1) % points.length];
    return sum + x * ny - nx * y;
  }, 0)) / 2;

// Whole degrees, relative moves after the first: "M12 34l1-2 3 0…z". Negative numbers need no separator.
function path(polygons) {
  let d = "";
  for (const polygon of polygons) {
    const rounded = [];
    for (const [x, y] of polygon) {
      const point = [Math.round(x), Math.round(y)];
      const last = rounded[rounded.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) rounded.push(point);
    }
    while (rounded.length > 1 && rounded[0][0] === rounded.at(-1)[0] && rounded[0][1] === rounded.at(-1)[1]) rounded.pop();
    if (rounded.length < 3 || area(rounded) < MIN_AREA) continue;
    let segment = `M${rounded[0][0]} ${rounded[0][1]}l`;
    for (let i = 1; i < rounded.length; i++) {
      const dx = rounded[i][0] - rounded[i - 1][0];
      const dy = rounded[i][1] - rounded[i - 1][1];
      segment += (i > 1 && dx >= 0 ? " " : "") + dx + (dy >= 0 ? " " : "") + dy;
    }
    d += segment + "z";
  }
  return d;
}

export function build(topology) {
  const polygons = rings(topology)
    .flatMap(project)
    .map((ring) => simplify([...ring, ring[0]], TOLERANCE).slice(0, -1));
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180">' +
    `<!-- Natural Earth 1:110m land (public domain) from ${PACKAGE}; scripts/build-world-map.mjs -->` +
    `<path id="land" d="${path(polygons)}"/></svg>\n`
  );
}

const svg = build(fetchTopology());
if (process.argv.includes("--check")) {
  const committed = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (committed !== svg) {
    console.error(`${target} differs from a fresh build: run node scripts/build-world-map.mjs`);
    process.exit(1);
  }
  console.log(`${target} matches a fresh build (${svg.length} bytes).`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, svg);
  console.log(`Wrote ${target}: ${svg.length} bytes.`);
}
