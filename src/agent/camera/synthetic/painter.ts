/**
 * Scanline rasteriser for the generator. Every shape is reduced to horizontal spans; a pixel belongs to a shape
 * when its centre (x + 0.5, y + 0.5) lies inside. Spans write colour (optional) and the object-id mask
 * (optional), which is how ground truth stays exact: boxes come from the same spans that made the pixels.
 *
 * Coordinates are scene pixels. A painter may cover a window of the scene (origin + size): scratch painters
 * use that to measure an object's whole silhouette, including what lies outside the frame.
 */
import { blue, green, red, type Rgb } from './color.ts';
import { noiseTile, TILE_BITS, TILE_MASK } from './texture.ts';

const MODE_SOLID = 0;
const MODE_VGRADIENT = 1;
const MODE_HSTRIPES = 2;
const MODE_VSTRIPES = 3;

export interface PainterTarget {
  /** Packed RGB of the window, or null to paint the mask only. */
  readonly rgb: Uint8Array | null;
  /** One byte per pixel of the window, or null to paint colour only. */
  readonly mask: Uint8Array | null;
  readonly width: number;
  readonly height: number;
  /** Scene coordinates of the window's top-left pixel. */
  readonly originX?: number;
  readonly originY?: number;
}

export class Painter {
  readonly width: number;
  readonly height: number;
  private readonly ox: number;
  private readonly oy: number;
  private readonly rgb: Uint8ClampedArray | null;
  private readonly mask: Uint8Array | null;
  private readonly tile: Int8Array;

  /** Mask value written by shapes (0 = background: occluders use it to hide objects). */
  private id = 0;
  /** Detail mode: paint only pixels whose mask already holds `id`, never grow the silhouette. */
  private own = false;
  private mode = MODE_SOLID;
  private r = 0;
  private g = 0;
  private b = 0;
  private r2 = 0;
  private g2 = 0;
  private b2 = 0;
  private p0 = 0;
  private p1 = 1;
  private texAmp = 0;
  private texX = 0;
  private texY = 0;

  // Scratch for the current row's crossing interval (no allocation per row).
  private lo = 0;
  private hi = 0;

  constructor(target: PainterTarget) {
    this.width = target.width;
    this.height = target.height;
    this.ox = target.originX ?? 0;
    this.oy = target.originY ?? 0;
    this.rgb = target.rgb === null ? null : new Uint8ClampedArray(target.rgb.buffer, target.rgb.byteOffset, target.rgb.length);
    this.mask = target.mask;
    this.tile = noiseTile();
  }

  /** Subsequent shapes write this id into the mask; `details` restricts them to pixels already holding it. */
  setId(id: number, details = false): this {
    this.id = id;
    this.own = details;
    return this;
  }

  solid(c: Rgb): this {
    this.mode = MODE_SOLID;
    this.r = red(c);
    this.g = green(c);
    this.b = blue(c);
    this.texAmp = 0;
    return this;
  }

  /** Vertical gradient: `top` at scene row y0, `bottom` at y1, held beyond. */
  gradient(top: Rgb, bottom: Rgb, y0: number, y1: number): this {
    this.solid(top);
    this.mode = MODE_VGRADIENT;
    this.r2 = red(bottom);
    this.g2 = green(bottom);
    this.b2 = blue(bottom);
    this.p0 = y0;
    this.p1 = y1 === y0 ? y0 + 1 : y1;
    return this;
  }

  /** Alternating bands `period` pixels tall (horizontal) or wide (vertical), starting with `a` at `origin`. */
  stripes(a: Rgb, b: Rgb, origin: number, period: number, vertical: boolean): this {
    this.solid(a);
    this.mode = vertical ? MODE_VSTRIPES : MODE_HSTRIPES;
    this.r2 = red(b);
    this.g2 = green(b);
    this.b2 = blue(b);
    this.p0 = origin;
    this.p1 = Math.max(1, period);
    return this;
  }

  /** Adds the shared noise tile (±amp levels, shifted by the offsets) to the current paint. */
  texture(amp: number, offsetX: number, offsetY: number): this {
    this.texAmp = amp;
    this.texX = offsetX | 0;
    this.texY = offsetY | 0;
    return this;
  }

  rect(x0: number, y0: number, x1: number, y1: number): void {
    const ya = Math.max(Math.ceil(y0 - 0.5), this.oy);
    const yb = Math.min(Math.ceil(y1 - 0.5), this.oy + this.height);
    for (let y = ya; y < yb; y++) this.span(y, x0, x1);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number): void {
    if (rx <= 0 || ry <= 0) return;
    const ya = Math.max(Math.ceil(cy - ry - 0.5), this.oy);
    const yb = Math.min(Math.ceil(cy + ry - 0.5), this.oy + this.height);
    for (let y = ya; y < yb; y++) {
      const dy = (y + 0.5 - cy) / ry;
      const q = 1 - dy * dy;
      if (q <= 0) continue;
      const dx = rx * Math.sqrt(q);
      this.span(y, cx - dx, cx + dx);
    }
  }

  /** Ellipse rotated by `angle` radians (clockwise on screen, since y grows downwards). */
  rotatedEllipse(cx: number, cy: number, rx: number, ry: number, angle: number): void {
    if (rx <= 0 || ry <= 0) return;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const irx = 1 / (rx * rx);
    const iry = 1 / (ry * ry);
    const a = c * c * irx + s * s * iry;
    const bq = 2 * s * c * (irx - iry);
    const cq = s * s * irx + c * c * iry;
    const half = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
    const ya = Math.max(Math.ceil(cy - half - 0.5), this.oy);
    const yb = Math.min(Math.ceil(cy + half - 0.5), this.oy + this.height);
    for (let y = ya; y < yb; y++) {
      const dy = y + 0.5 - cy;
      const b = bq * dy;
      const disc = b * b - 4 * a * (cq * dy * dy - 1);
      if (disc <= 0) continue;
      const root = Math.sqrt(disc);
      this.span(y, cx + (-b - root) / (2 * a), cx + (-b + root) / (2 * a));
    }
  }

  /** Convex polygon from flat [x0, y0, x1, y1, ...]; non-convex input fills its row-wise extent. */
  polygon(pts: readonly number[]): void {
    let top = Infinity;
    let bottom = -Infinity;
    for (let i = 1; i < pts.length; i += 2) {
      const y = pts[i]!;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
    const ya = Math.max(Math.ceil(top - 0.5), this.oy);
    const yb = Math.min(Math.ceil(bottom - 0.5), this.oy + this.height);
    for (let y = ya; y < yb; y++) {
      this.lo = Infinity;
      this.hi = -Infinity;
      this.crossPolygon(pts, y + 0.5);
      if (this.lo < this.hi) this.span(y, this.lo, this.hi);
    }
  }

  /** A limb: the union of a disc of radius ra at a, one of radius rb at b, and the band between them. */
  capsule(ax: number, ay: number, ra: number, bx: number, by: number, rb: number): void {
    const len = Math.hypot(bx - ax, by - ay);
    const nx = len > 0 ? -(by - ay) / len : 1;
    const ny = len > 0 ? (bx - ax) / len : 0;
    const quad = [ax + nx * ra, ay + ny * ra, bx + nx * rb, by + ny * rb, bx - nx * rb, by - ny * rb, ax - nx * ra, ay - ny * ra];
    const top = Math.min(ay - ra, by - rb);
    const bottom = Math.max(ay + ra, by + rb);
    const ya = Math.max(Math.ceil(top - 0.5), this.oy);
    const yb = Math.min(Math.ceil(bottom - 0.5), this.oy + this.height);
    for (let y = ya; y < yb; y++) {
      const yc = y + 0.5;
      this.lo = Infinity;
      this.hi = -Infinity;
      this.crossDisc(ax, ay, ra, yc);
      this.crossDisc(bx, by, rb, yc);
      this.crossPolygon(quad, yc);
      if (this.lo < this.hi) this.span(y, this.lo, this.hi);
    }
  }

  private crossDisc(cx: number, cy: number, r: number, yc: number): void {
    const dy = yc - cy;
    const q = r * r - dy * dy;
    if (q <= 0) return;
    const dx = Math.sqrt(q);
    if (cx - dx < this.lo) this.lo = cx - dx;
    if (cx + dx > this.hi) this.hi = cx + dx;
  }

  private crossPolygon(pts: readonly number[], yc: number): void {
    const n = pts.length;
    for (let i = 0; i < n; i += 2) {
      const x0 = pts[i]!;
      const y0 = pts[i + 1]!;
      const j = i + 2 === n ? 0 : i + 2;
      const x1 = pts[j]!;
      const y1 = pts[j + 1]!;
      if ((y0 <= yc && y1 > yc) || (y1 <= yc && y0 > yc)) {
        const x = x0 + ((yc - y0) / (y1 - y0)) * (x1 - x0);
        if (x < this.lo) this.lo = x;
        if (x > this.hi) this.hi = x;
      }
    }
  }

  /** Fills scene row y over [xa, xb) by pixel centres, clipped to the window. */
  span(y: number, xa: number, xb: number): void {
    const ty = y - this.oy;
    if (ty < 0 || ty >= this.height) return;
    let x0 = Math.ceil(xa - 0.5) - this.ox;
    let x1 = Math.ceil(xb - 0.5) - this.ox;
    if (x0 < 0) x0 = 0;
    if (x1 > this.width) x1 = this.width;
    if (x0 >= x1) return;
    const row = ty * this.width;
    const mask = this.mask;
    const rgb = this.rgb;
    if (this.own) {
      if (rgb === null || mask === null) return;
      const id = this.id;
      let runStart = -1;
      for (let x = x0; x <= x1; x++) {
        const inside = x < x1 && mask[row + x] === id;
        if (inside && runStart < 0) runStart = x;
        else if (!inside && runStart >= 0) {
          this.paintRow(rgb, row, y, runStart, x);
          runStart = -1;
        }
      }
      return;
    }
    if (mask !== null) mask.fill(this.id, row + x0, row + x1);
    if (rgb !== null) this.paintRow(rgb, row, y, x0, x1);
  }

  private paintRow(rgb: Uint8ClampedArray, row: number, y: number, x0: number, x1: number): void {
    let r = this.r;
    let g = this.g;
    let b = this.b;
    if (this.mode === MODE_VGRADIENT) {
      let t = (y + 0.5 - this.p0) / (this.p1 - this.p0);
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      r += (this.r2 - r) * t;
      g += (this.g2 - g) * t;
      b += (this.b2 - b) * t;
    } else if (this.mode === MODE_HSTRIPES && (Math.floor((y - this.p0) / this.p1) & 1) === 1) {
      r = this.r2;
      g = this.g2;
      b = this.b2;
    }
    const amp = this.texAmp;
    const vstripes = this.mode === MODE_VSTRIPES;
    let i = (row + x0) * 3;
    if (amp === 0 && !vstripes) {
      for (let x = x0; x < x1; x++) {
        rgb[i++] = r;
        rgb[i++] = g;
        rgb[i++] = b;
      }
      return;
    }
    const tile = this.tile;
    const tileRow = ((y + this.texY) & TILE_MASK) << TILE_BITS;
    const k = amp / 127;
    const sx = this.ox + this.texX;
    for (let x = x0; x < x1; x++) {
      const n = amp === 0 ? 0 : tile[tileRow | ((x + sx) & TILE_MASK)]! * k;
      if (vstripes && (Math.floor((x + this.ox - this.p0) / this.p1) & 1) === 1) {
        rgb[i++] = this.r2 + n;
        rgb[i++] = this.g2 + n;
        rgb[i++] = this.b2 + n;
      } else {
        rgb[i++] = r + n;
        rgb[i++] = g + n;
        rgb[i++] = b + n;
      }
    }
  }
}
