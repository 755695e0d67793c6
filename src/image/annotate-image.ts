/**
 * Draws detections on an RGB image and writes it as PNG: boxes and "label score" tags, rendered as an SVG
 * overlay that sharp (librsvg) composites. Colours follow the class id so one class keeps one colour.
 */
import sharp from 'sharp';
import { LookoutError, errorMessage } from '../errors.ts';
import type { Detection } from '../agent/detect/types.ts';
import type { RgbImage } from './decode-image.ts';

const PALETTE = ['#ff3838', '#2c99a8', '#ff9d97', '#48f90a', '#ff701f', '#3ddb86', '#ffb21d', '#1a9334', '#cfd231', '#00d4bb',
  '#00c2ff', '#344593', '#6473ff', '#0018ec', '#8438ff', '#520085', '#cb38ff', '#ff95c8', '#ff37c7', '#92cc17'];

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function annotationSvg(width: number, height: number, detections: readonly Detection[]): string {
  const stroke = Math.max(1, Math.round(Math.min(width, height) / 300));
  const font = Math.max(10, Math.round(Math.min(width, height) / 40));
  const parts = detections.map((d) => {
    const [x1, y1, x2, y2] = d.box;
    const colour = PALETTE[d.classId % PALETTE.length]!;
    const text = escapeXml(`${d.label} ${d.score.toFixed(2)}`);
    const tagW = Math.ceil(text.length * font * 0.6) + 4;
    const tagY = y1 - font - 2 >= 0 ? y1 - font - 2 : y1;
    return `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>` +
      `<rect x="${x1}" y="${tagY}" width="${tagW}" height="${font + 2}" fill="${colour}"/>` +
      `<text x="${x1 + 2}" y="${tagY + font - 1}" font-family="sans-serif" font-size="${font}" fill="#ffffff">${text}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

export async function writeAnnotatedPng(image: RgbImage, detections: readonly Detection[], outPath: string): Promise<void> {
  const svg = Buffer.from(annotationSvg(image.width, image.height, detections));
  try {
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .composite([{ input: svg, top: 0, left: 0 }])
      .png()
      .toFile(outPath);
  } catch (e) {
    throw new LookoutError('image', 'IMAGE_WRITE', `cannot write annotated image: ${errorMessage(e)}`, { where: outPath, cause: e });
  }
}
