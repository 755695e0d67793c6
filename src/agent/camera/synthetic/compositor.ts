/**
 * Draws placed objects (far to near) and the occluders in front of them, writing an object-id mask alongside
 * the colour, then reads exact ground truth back from that mask: each object's visible box, and its
 * visibility against the whole silhouette (measured in a scratch window, so off-frame parts count as hidden).
 */
import type { BoxXYXY } from '../../detect/types.ts';
import { SYNTH_LABELS, type GroundTruth } from './labels.ts';
import { boundsOf, classOf, drawObject } from './objects/draw-object.ts';
import type { PlacedObject } from './objects/looks.ts';
import { Painter } from './painter.ts';
import { drawShapes, type Shape } from './backgrounds/shapes.ts';

/** Objects less visible than this are left out of the ground truth (and out of data-set images). */
export const MIN_VISIBILITY = 0.4;
/** Objects whose visible box is narrower or shorter than this (pixels) are left out likewise. */
export const MIN_SIDE = 8;
/** Mask ids 1..MAX_OBJECTS; 0 is background. */
export const MAX_OBJECTS = 254;

interface Stats {
  count: Int32Array;
  x0: Int32Array;
  y0: Int32Array;
  x1: Int32Array;
  y1: Int32Array;
}

export interface Composed {
  /** Ground truth of the objects that pass the visibility and size rules, in drawing order. */
  readonly objects: GroundTruth[];
  /** For each ground-truth entry, its mask id. */
  readonly ids: number[];
}

export class Compositor {
  readonly width: number;
  readonly height: number;
  readonly mask: Uint8Array;
  private scratch = new Uint8Array(0);
  private readonly stats: Stats = {
    count: new Int32Array(MAX_OBJECTS + 1),
    x0: new Int32Array(MAX_OBJECTS + 1),
    y0: new Int32Array(MAX_OBJECTS + 1),
    x1: new Int32Array(MAX_OBJECTS + 1),
    y1: new Int32Array(MAX_OBJECTS + 1),
  };

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.mask = new Uint8Array(width * height);
  }

  /**
   * Draws `objects` and `occluders` over `rgb` (which holds the background). With `avoidHidden`, objects that
   * would fail the visibility or size rule are not drawn at all, so no unlabelled object is left in the image.
   */
  compose(rgb: Uint8Array, objects: readonly PlacedObject[], occluders: readonly Shape[], avoidHidden: boolean): Composed {
    if (objects.length > MAX_OBJECTS) throw new RangeError(`at most ${MAX_OBJECTS} objects per frame`);
    const order = [...objects].sort((a, b) => a.y - b.y);
    let drawn = order;
    if (avoidHidden && order.length > 0) {
      this.draw(null, order, occluders);
      const keep = this.measure(order).map((r) => r !== null);
      // Dropping an object only uncovers the others, so one pass settles which objects stay.
      drawn = order.filter((_, i) => keep[i]);
    }
    this.draw(rgb, drawn, occluders);
    const results = this.measure(drawn);
    const out: GroundTruth[] = [];
    const ids: number[] = [];
    results.forEach((r, i) => {
      if (r === null) return;
      const classId = classOf(drawn[i]!.look);
      out.push({ classId, label: SYNTH_LABELS[classId], box: r.box, visibility: r.visibility });
      ids.push(i + 1);
    });
    return { objects: out, ids };
  }

  private draw(rgb: Uint8Array | null, objects: readonly PlacedObject[], occluders: readonly Shape[]): void {
    this.mask.fill(0);
    const p = new Painter({ rgb, mask: this.mask, width: this.width, height: this.height });
    objects.forEach((o, i) => {
      drawObject(p, o, i + 1);
    });
    p.setId(0);
    drawShapes(p, occluders);
  }

  /** Box and visibility per object (null when it fails the rules), from the mask just drawn. */
  private measure(objects: readonly PlacedObject[]): ({ box: BoxXYXY; visibility: number } | null)[] {
    const { count, x0, y0, x1, y1 } = this.stats;
    const n = objects.length;
    count.fill(0, 0, n + 1);
    x0.fill(this.width, 0, n + 1);
    y0.fill(this.height, 0, n + 1);
    x1.fill(-1, 0, n + 1);
    y1.fill(-1, 0, n + 1);
    const mask = this.mask;
    const w = this.width;
    for (let y = 0, i = 0; y < this.height; y++) {
      for (let x = 0; x < w; x++, i++) {
        const id = mask[i]!;
        if (id === 0) continue;
        count[id]!++;
        if (x < x0[id]!) x0[id] = x;
        if (x > x1[id]!) x1[id] = x;
        if (y < y0[id]!) y0[id] = y;
        y1[id] = y;
      }
    }
    return objects.map((o, i) => {
      const id = i + 1;
      const visible = count[id]!;
      if (visible === 0) return null;
      const box: BoxXYXY = [x0[id]!, y0[id]!, x1[id]! + 1, y1[id]! + 1];
      const visibility = Math.min(1, visible / this.silhouetteArea(o));
      if (visibility < MIN_VISIBILITY || box[2] - box[0] < MIN_SIDE || box[3] - box[1] < MIN_SIDE) return null;
      return { box, visibility };
    });
  }

  /** Pixels the object covers when nothing hides it and the frame does not clip it. */
  private silhouetteArea(o: PlacedObject): number {
    const [bx0, by0, bx1, by1] = boundsOf(o);
    const w = bx1 - bx0;
    const h = by1 - by0;
    if (this.scratch.length < w * h) this.scratch = new Uint8Array(w * h);
    const area = this.scratch.subarray(0, w * h);
    area.fill(0);
    drawObject(new Painter({ rgb: null, mask: area, width: w, height: h, originX: bx0, originY: by0 }), o, 1);
    let n = 0;
    for (const v of area) n += v;
    return Math.max(1, n);
  }
}
