/**
 * Background pieces as data: distractors and foreground occluders are lists of shapes, so the live camera can
 * redraw occluders over moving objects every frame without re-running the background generator.
 */
import type { Rgb } from '../color.ts';
import type { Painter } from '../painter.ts';

export interface Shape {
  readonly kind: 'rect' | 'ellipse' | 'polygon' | 'capsule';
  /** rect: x0 y0 x1 y1; ellipse: cx cy rx ry; polygon: flat points; capsule: ax ay ra bx by rb. */
  readonly pts: readonly number[];
  readonly colour: Rgb;
  /** Bottom colour of a vertical gradient over the shape's extent, if any. */
  readonly bottom?: Rgb;
  /** Texture amplitude (levels). */
  readonly tex?: number;
}

function verticalExtent(s: Shape): [number, number] {
  const p = s.pts;
  switch (s.kind) {
    case 'rect':
      return [p[1]!, p[3]!];
    case 'ellipse':
      return [p[1]! - p[3]!, p[1]! + p[3]!];
    case 'capsule':
      return [Math.min(p[1]! - p[2]!, p[4]! - p[5]!), Math.max(p[1]! + p[2]!, p[4]! + p[5]!)];
    case 'polygon': {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 1; i < p.length; i += 2) {
        lo = Math.min(lo, p[i]!);
        hi = Math.max(hi, p[i]!);
      }
      return [lo, hi];
    }
  }
}

export function drawShape(p: Painter, s: Shape): void {
  if (s.bottom === undefined) p.solid(s.colour);
  else {
    const [y0, y1] = verticalExtent(s);
    p.gradient(s.colour, s.bottom, y0, y1);
  }
  if (s.tex !== undefined) p.texture(s.tex, Math.round(s.pts[0]! * 7), Math.round(s.pts[1]! * 3));
  const a = s.pts;
  switch (s.kind) {
    case 'rect':
      p.rect(a[0]!, a[1]!, a[2]!, a[3]!);
      break;
    case 'ellipse':
      p.ellipse(a[0]!, a[1]!, a[2]!, a[3]!);
      break;
    case 'polygon':
      p.polygon(a);
      break;
    case 'capsule':
      p.capsule(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
      break;
  }
}

export function drawShapes(p: Painter, shapes: readonly Shape[]): void {
  for (const s of shapes) drawShape(p, s);
}
