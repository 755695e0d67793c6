/** The `camera` section: one variant per adapter, told apart by `source`. */
import { z } from 'zod';
import { APPEARANCES, BACKGROUND_CHOICES, LIGHTINGS } from '../agent/camera/synthetic/domain.ts';

const size = {
  width: z.number().int().min(16).max(8192).default(640).describe('Frame width delivered to the detector (pixels)'),
  height: z.number().int().min(16).max(8192).default(480).describe('Frame height delivered to the detector (pixels)'),
  fps: z.number().positive().max(240).default(15).describe('Frames per second requested from the camera'),
  onLost: z
    .enum(['safe', 'keep'])
    .default('safe')
    .describe('When the camera is lost (restarts exhausted): "safe" drives every output to its safe level; "keep" leaves them'),
  stallMs: z.number().int().positive().default(3000).describe('Restart the capture process when no frame arrives for this long'),
  maxRestarts: z.number().int().min(0).default(5).describe('Consecutive failed restarts before the camera counts as lost'),
};

const extraArgs = z.array(z.string()).default([]).describe('Extra arguments for the capture tool (not those the adapter sets)');

export const cameraSchema = z
  .discriminatedUnion('source', [
    z.strictObject({
      source: z.literal('synthetic').describe('A simulated scene with known objects (the demo, tests, benchmarks)'),
      ...size,
      seed: z.number().int().min(0).default(1).describe('Scene seed: same seed, same scene'),
      lighting: z.enum(LIGHTINGS).default('day').describe('Synthetic lighting'),
      background: z.enum(BACKGROUND_CHOICES).default('any').describe('Synthetic background family'),
      appearance: z.enum(APPEARANCES).default('default').describe('Synthetic object appearance (a domain shift)'),
    }),
    z.strictObject({
      source: z.literal('libcamera').describe('Raspberry Pi camera through rpicam-vid (or libcamera-vid)'),
      ...size,
      camera: z.number().int().min(0).default(0).describe('Camera index (rpicam-vid --camera)'),
      isp: z.enum(['auto', 'vc4', 'pisp']).default('auto').describe('ISP row layout: vc4 (Pi 0-4), pisp (Pi 5), or read from the device tree'),
      extraArgs,
    }),
    z.strictObject({
      source: z.literal('v4l2').describe('A USB (UVC) camera through ffmpeg'),
      ...size,
      device: z.string().default('/dev/video0').describe('V4L2 device node'),
      inputFormat: z.enum(['mjpeg', 'yuyv422']).optional().describe('Camera pixel format to ask for'),
    }),
    z.strictObject({
      source: z.literal('gstreamer').describe('Jetson CSI camera through nvarguscamerasrc'),
      ...size,
      sensorId: z.number().int().min(0).default(0).describe('nvarguscamerasrc sensor-id'),
      flipMethod: z.number().int().min(0).max(7).optional().describe('nvvidconv flip-method'),
    }),
    z.strictObject({
      source: z.literal('file').describe('A video file (through ffmpeg) or a folder of images'),
      ...size,
      path: z.string().min(1).describe('Video file, URL or image folder'),
      rate: z.union([z.literal('native'), z.literal('max'), z.number().positive()]).default('native')
        .describe('Playback: the file\'s own rate, as fast as possible, or frames per second'),
      loop: z.boolean().default(true).describe('Start again at the end'),
    }),
  ])
  .describe('Where frames come from');

export type CameraConfig = z.infer<typeof cameraSchema>;
