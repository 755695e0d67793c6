/**
 * Human labels imported from files dropped into a folder, or already in the store (set through the API):
 *   <dir>/<deviceId>/<sampleId>.txt   YOLO lines `class cx cy w h`, class ids indexing the model's labels
 *   <dir>/*.json                      COCO: images[].file_name `<deviceId>/<sampleId>.jpg`, annotations[].bbox
 *                                     `[x, y, w, h]` in pixels, categories[].name the label
 * Labels stored with source `human` win over files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYoloLabels } from '../../../dataset/yolo-labels.ts';
import { errorMessage, LookoutError } from '../../../errors.ts';
import type { LabelBox, StoredSample } from '../../store/store.ts';
import type { Labeller } from './labeller.ts';

const cocoSchema = z.object({
  images: z.array(z.object({ id: z.union([z.number(), z.string()]), file_name: z.string(), width: z.number().positive(), height: z.number().positive() })),
  annotations: z.array(z.object({ image_id: z.union([z.number(), z.string()]), category_id: z.union([z.number(), z.string()]), bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]) })),
  categories: z.array(z.object({ id: z.union([z.number(), z.string()]), name: z.string().min(1).max(64) })),
});

export class ImportedLabeller implements Labeller {
  readonly source = 'human';
  private coco: Map<string, LabelBox[]> | undefined;

  constructor(private readonly dir: string, private readonly names: readonly string[]) {}

  async label(sample: StoredSample): Promise<readonly LabelBox[] | undefined> {
    if (sample.labels !== null && sample.labelSource === 'human') return sample.labels;
    const { deviceId, id, width, height } = sample.meta;
    const file = join(this.dir, deviceId, `${id}.txt`);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      return parseYoloLabels(text, file, this.names.length).map((b) => ({
        label: this.names[b.classId] ?? String(b.classId),
        box: [(b.cx - b.w / 2) * width, (b.cy - b.h / 2) * height, (b.cx + b.w / 2) * width, (b.cy + b.h / 2) * height],
      }));
    }
    this.coco ??= await this.loadCoco();
    return this.coco.get(`${deviceId}/${id}`);
  }

  private async loadCoco(): Promise<Map<string, LabelBox[]>> {
    const byImage = new Map<string, LabelBox[]>();
    const files = (await readdir(this.dir).catch(() => [])).filter((f) => f.endsWith('.json')).sort();
    for (const name of files) {
      const file = join(this.dir, name);
      let parsed: z.infer<typeof cocoSchema>;
      try {
        parsed = cocoSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      } catch (e) {
        throw new LookoutError('dataset', 'BAD_COCO', `${file}: not a COCO label file: ${errorMessage(e)}`, { where: file, cause: e });
      }
      const category = new Map(parsed.categories.map((c) => [String(c.id), c.name]));
      const image = new Map(parsed.images.map((i) => [String(i.id), i.file_name.replace(/\.(jpe?g|png)$/i, '')]));
      for (const a of parsed.annotations) {
        const key = image.get(String(a.image_id));
        const label = category.get(String(a.category_id));
        if (key === undefined || label === undefined) continue;
        const [x, y, w, h] = a.bbox;
        const list = byImage.get(key) ?? [];
        list.push({ label, box: [x, y, x + w, y + h] });
        byImage.set(key, list);
      }
      // An image listed without annotations is labelled "no objects".
      for (const key of image.values()) if (!byImage.has(key)) byImage.set(key, []);
    }
    return byImage;
  }
}
