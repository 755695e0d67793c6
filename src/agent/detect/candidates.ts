/**
 * Preallocated storage for decoded boxes between the decoder and NMS: struct-of-arrays, one slot per anchor
 * (single label per box, so an anchor yields at most one candidate). Reused for every frame.
 */
export class Candidates {
  count = 0;
  /** x1, y1, x2, y2 in model-input pixels, 4 per candidate. */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  readonly classIds: Int32Array;

  constructor(readonly capacity: number) {
    this.boxes = new Float32Array(capacity * 4);
    this.scores = new Float32Array(capacity);
    this.classIds = new Int32Array(capacity);
  }

  /** Appends a box given as centre and size (the YOLO output convention, xywh2xyxy). */
  pushCenter(cx: number, cy: number, w: number, h: number, score: number, classId: number): void {
    const i = this.count++;
    const o = i * 4;
    const hw = w / 2;
    const hh = h / 2;
    this.boxes[o] = cx - hw;
    this.boxes[o + 1] = cy - hh;
    this.boxes[o + 2] = cx + hw;
    this.boxes[o + 3] = cy + hh;
    this.scores[i] = score;
    this.classIds[i] = classId;
  }
}
