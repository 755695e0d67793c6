/**
 * The live synthetic camera's world: a fixed place (background per domain, drawn once and reused) with people
 * walking across, cars driving through and dogs running, entering and leaving, and quiet spells. Frames are
 * a pure function of (seed, domain, time).
 */
import { LookoutError } from '../../../errors.ts';
import { drawBackground, pickFamily } from './backgrounds/background.ts';
import type { SceneLayout } from './backgrounds/layout.ts';
import { Compositor } from './compositor.ts';
import { LIGHTINGS, resolveDomain, type DomainShift } from './domain.ts';
import { Finisher } from './finish.ts';
import type { GroundTruth } from './labels.ts';
import { drawLighting, type LightingParams } from './lighting.ts';
import { Painter } from './painter.ts';
import { hashSeed, Rng } from './prng.ts';
import { actorsAt, CHUNK_MS, planChunk, type ChunkPlan } from './schedule.ts';
import { checkSeed, checkSize } from './scene.ts';

export interface WorldOptions {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly domain?: Partial<DomainShift>;
}

export interface WorldFrame {
  readonly rgb: Uint8Array;
  readonly objects: GroundTruth[];
}

interface Stage {
  readonly domain: DomainShift;
  readonly background: Uint8Array;
  readonly layout: SceneLayout;
  readonly light: LightingParams;
}

export class SyntheticWorld {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  private requested: Partial<DomainShift> | undefined;
  private stage: Stage | undefined;
  private plan: ChunkPlan | undefined;
  private compositor: Compositor | undefined;
  private readonly finisher = new Finisher();

  constructor(opts: WorldOptions) {
    this.width = opts.width;
    this.height = opts.height;
    this.seed = opts.seed;
    this.requested = opts.domain;
  }

  get domain(): DomainShift {
    return resolveDomain(this.requested);
  }

  /** Changes the conditions from the next frame on; the background is redrawn once for the new domain. */
  setDomain(shift: Partial<DomainShift>): void {
    const next = resolveDomain({ ...this.requested, ...shift });
    this.requested = next;
    const current = this.stage?.domain;
    if (current?.lighting === next.lighting && current.background === next.background && current.appearance === next.appearance) return;
    this.stage = undefined;
    this.plan = undefined;
  }

  /** The frame at `tMs` (ms since the world started), into `out` when given (width * height * 3 bytes). */
  renderAt(tMs: number, out?: Uint8Array): WorldFrame {
    if (!Number.isFinite(tMs)) throw new LookoutError('camera', 'BAD_TIME', `time must be a finite number of ms, got ${tMs}`, { where: 'tMs' });
    const size = this.width * this.height * 3;
    if (out !== undefined && out.length !== size) {
      throw new LookoutError('camera', 'BAD_BUFFER', `output buffer holds ${out.length} bytes, a frame needs ${size}`, { where: 'out' });
    }
    const stage = this.ensureStage();
    const rgb = out ?? new Uint8Array(size);
    rgb.set(stage.background);
    const index = Math.floor(tMs / CHUNK_MS);
    if (this.plan?.index !== index) {
      this.plan = planChunk(this.seed, index, stage.layout, this, stage.domain.appearance);
    }
    this.compositor ??= new Compositor(this.width, this.height);
    const composed = this.compositor.compose(rgb, actorsAt(this.plan, tMs), stage.layout.occluders, false);
    this.finisher.apply(rgb, this.width, this.height, stage.light, hashSeed(this.seed, Math.floor(tMs)));
    return { rgb, objects: composed.objects };
  }

  private ensureStage(): Stage {
    if (this.stage !== undefined) return this.stage;
    checkSize(this.width, this.height);
    checkSeed(this.seed);
    const domain = resolveDomain(this.requested);
    // The place stays the same across lighting changes; only a new family or appearance redraws it differently.
    const family = pickFamily(new Rng(hashSeed(this.seed, 0xfa)), domain.background);
    const background = new Uint8Array(this.width * this.height * 3);
    const painter = new Painter({ rgb: background, mask: null, width: this.width, height: this.height });
    const layout = drawBackground(painter, new Rng(hashSeed(this.seed, 0xb6)), this, family, domain.appearance);
    const light = drawLighting(new Rng(hashSeed(this.seed, 0x11, LIGHTINGS.indexOf(domain.lighting))), domain.lighting);
    this.stage = { domain, background, layout, light };
    return this.stage;
  }
}
