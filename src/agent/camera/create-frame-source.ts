/**
 * Builds the configured camera adapter; called by the composition root. Each adapter module is imported only
 * when configured, so a Pi never loads sharp and a Jetson never loads the rpicam layout code.
 * The synthetic camera is built by the composition root itself (src/agent/camera/synthetic/).
 */
import { stat } from 'node:fs/promises';
import { LookoutError, errorMessage } from '../../errors.ts';
import type { CaptureDeps } from './capture-deps.ts';
import type { FileVideoOptions } from './file-video.ts';
import type { FrameSource } from './frame-source.ts';
import type { GstreamerOptions } from './gstreamer.ts';
import type { ImageFit } from './image-folder.ts';
import type { LibcameraOptions } from './libcamera.ts';
import type { V4l2Options } from './v4l2.ts';

/** `file`: `path` is a video (or a URL ffmpeg opens) or a folder of images, told apart on disk. */
export interface FileSourceOptions extends FileVideoOptions {
  /** For an image folder: how images of another aspect ratio are fitted. */
  readonly fit?: ImageFit;
}

export type CameraSourceConfig =
  | ({ readonly kind: 'libcamera' } & LibcameraOptions)
  | ({ readonly kind: 'v4l2' } & V4l2Options)
  | ({ readonly kind: 'gstreamer' } & GstreamerOptions)
  | ({ readonly kind: 'file' } & FileSourceOptions);

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (e) {
    // A URL or a missing file: the video adapter reports it with its own error.
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return false;
    throw new LookoutError('camera', 'VIDEO_NOT_FOUND', `cannot open ${path}: ${errorMessage(e)}`, { where: path, cause: e });
  }
}

export async function createFrameSource(config: CameraSourceConfig, deps: CaptureDeps): Promise<FrameSource> {
  switch (config.kind) {
    case 'libcamera':
      return (await import('./libcamera.ts')).createLibcameraSource(config, deps);
    case 'v4l2':
      return (await import('./v4l2.ts')).createV4l2Source(config, deps);
    case 'gstreamer':
      return (await import('./gstreamer.ts')).createGstreamerSource(config, deps);
    case 'file': {
      if (await isFolder(config.path)) {
        if (config.rate === 'native') {
          throw new LookoutError('config', 'CAMERA_BAD_OPTION', 'an image folder has no native frame rate: set rate to a number or "max"', {
            where: 'camera.rate',
          });
        }
        const images = await import('./image-folder.ts');
        return images.createImageFolderSource({ ...config, folder: config.path, rate: config.rate }, deps);
      }
      return (await import('./file-video.ts')).createFileVideoSource(config, deps);
    }
  }
}
