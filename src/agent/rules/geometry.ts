/**
 * Zone geometry in normalised frame coordinates. Pure and allocation-free: it runs per detection per frame.
 */
import type { BoxXYXY } from '../detect/types.ts';

export type Point = readonly [number, number];
export type Polygon = readonly Point[];

/** Tolerance for "on the edge": a point this close to an edge counts as inside (boxes come from floats). */
const EDGE_EPSILON = 1e-9;

/**
 * The point where an object meets the ground: the middle of its box's bottom edge, normalised to 0..1.
 * A person's feet, not their head, decide which zone they stand in.
 */
export function bottomCentre(box: BoxXYXY, frameWidth: number, frameHeight: number): Point {
  return [(box[0] + box[2]) / 2 / frameWidth, box[3] / frameHeight];
}

function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  const cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  const length = Math.hypot(bx - ax, by - ay);
  if (Math.abs(cross) > EDGE_EPSILON * Math.max(length, 1)) return false;
  return (
    px >= Math.min(ax, bx) - EDGE_EPSILON &&
    px <= Math.max(ax, bx) + EDGE_EPSILON &&
    py >= Math.min(ay, by) - EDGE_EPSILON &&
    py <= Math.max(ay, by) + EDGE_EPSILON
  );
}

/**
 * Inside or on the boundary of a simple polygon (convex or concave), by the even-odd crossing rule.
 * Points on an edge count as inside, so a zone drawn up to the frame border includes objects touching it.
 */
export function pointInPolygon(point: Point, polygon: Polygon): boolean {
  const [px, py] = point;
  let inside = false;
  const n = polygon.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (onSegment(px, py, xj, yj, xi, yi)) return true;
    // Half-open in y so a ray through a vertex is counted once.
    if (yi > py !== yj > py) {
      const xCross = xj + ((py - yj) * (xi - xj)) / (yi - yj);
      if (px < xCross) inside = !inside;
    }
  }
  return inside;
}
