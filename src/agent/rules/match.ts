/**
 * Which detections of a frame count for a rule. Runs per frame: a plain loop, no intermediate arrays.
 */
import type { Detection } from '../detect/types.ts';
import type { CompiledRule } from './compile.ts';
import { bottomCentre, pointInPolygon } from './geometry.ts';

export function matchingDetections(
  rule: CompiledRule,
  detections: readonly Detection[],
  frameWidth: number,
  frameHeight: number,
): Detection[] {
  const { minScore, minArea, zones } = rule.config;
  const frameArea = frameWidth * frameHeight;
  const matches: Detection[] = [];
  for (const detection of detections) {
    if (detection.score < minScore) continue;
    if (rule.classes !== null && !rule.classes.has(detection.label)) continue;
    const [x1, y1, x2, y2] = detection.box;
    if (minArea > 0 && ((x2 - x1) * (y2 - y1)) / frameArea < minArea) continue;
    if (zones !== undefined) {
      const foot = bottomCentre(detection.box, frameWidth, frameHeight);
      if (!zones.some((zone) => pointInPolygon(foot, zone))) continue;
    }
    matches.push(detection);
  }
  return matches;
}
