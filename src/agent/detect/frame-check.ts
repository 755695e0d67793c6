/** The one check every frame passes before it reaches the detector's buffers. */
import { LookoutError } from '../../errors.ts';
import { frameByteLength, type Frame } from '../camera/frame.ts';

export type FrameImage = Pick<Frame, 'data' | 'width' | 'height' | 'format'>;

export function checkFrame(frame: FrameImage, where: string): void {
  if (!Number.isInteger(frame.width) || !Number.isInteger(frame.height) || frame.width < 1 || frame.height < 1) {
    throw new LookoutError('inference', 'FRAME_SIZE', `frame size ${frame.width}x${frame.height} is not a positive integer size`, { where });
  }
  const expected = frameByteLength(frame.format, frame.width, frame.height);
  if (frame.data.byteLength !== expected) {
    throw new LookoutError('inference', 'FRAME_SIZE',
      `${frame.format} frame ${frame.width}x${frame.height} needs ${expected} bytes, got ${frame.data.byteLength}`, { where });
  }
}
