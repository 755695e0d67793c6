/**
 * Image files -> packed RGB, the format the detector takes. sharp decodes JPEG, PNG (and WebP, TIFF, GIF);
 * EXIF orientation is applied so boxes are in the image as a viewer shows it; alpha is dropped and grey or
 * CMYK images are converted to sRGB, so the result always has 3 channels.
 */
import sharp, { type OutputInfo } from 'sharp';
import { LookoutError, errorMessage } from '../errors.ts';

export interface RgbImage {
  /** width * height * 3 bytes, in its own ArrayBuffer (so it can be transferred to a worker). */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export function decodeImageFile(path: string): Promise<RgbImage> {
  return decodeImage(path, path);
}

/** Decodes an image held in memory (a sample's JPEG); `where` names it in errors. */
export function decodeImageBytes(bytes: Uint8Array, where: string): Promise<RgbImage> {
  return decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), where);
}

async function decodeImage(input: string | Buffer, path: string): Promise<RgbImage> {
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(input, { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT' || /Input file is missing/i.test(errorMessage(e));
    throw new LookoutError('image', missing ? 'IMAGE_NOT_FOUND' : 'IMAGE_DECODE',
      missing ? 'image file not found' : `cannot decode image: ${errorMessage(e)}`, { where: path, cause: e });
  }
  const { width, height, channels } = raw.info;
  if (channels !== 3) throw new LookoutError('image', 'IMAGE_DECODE', `decoded to ${channels} channels, expected 3`, { where: path });
  // sharp's buffer cannot be transferred to a worker (postMessage silently copies it), so take one copy here.
  const data = new Uint8Array(raw.data.byteLength);
  data.set(raw.data);
  return { data, width, height };
}
