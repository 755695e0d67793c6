/** The JSON API under /api/v1: reads of the store, every parameter parsed before the store sees it. */
import { z } from 'zod';
import type { Logger } from '../../log.ts';
import type { IngestCounters } from '../ingest/counters.ts';
import type { DeviceSummary, Store } from '../store/store.ts';
import { guarded, jsonRoute, NotFound } from './api-errors.ts';
import { BadParameter, boolParam, idParam, intParam, keyParam, msParam, parseParams } from './params.ts';
import type { Route } from './router.ts';

export interface ApiDeps {
  readonly store: Store;
  readonly now: () => number;
  readonly staleAfterMs: number;
  readonly ingestCounters?: () => IngestCounters;
  readonly logger: Logger;
}

export interface FleetBody {
  readonly now: number;
  readonly devices: DeviceSummary[];
}

export const FLEET_DEFAULT_LIMIT = 200;
const DEFAULT_SERIES_WINDOW_MS = 15 * 60_000;
const DEFAULT_SERIES_POINTS = 300;

const fleetParams = z.strictObject({
  group: idParam.optional(),
  limit: intParam(1, 1000).default(FLEET_DEFAULT_LIMIT),
  offset: intParam(0, 1_000_000_000).default(0),
});
const deviceParams = z.strictObject({ id: idParam });
const seriesParams = z.strictObject({
  id: idParam,
  from: msParam.optional(),
  to: msParam.optional(),
  points: intParam(1, 2000).default(DEFAULT_SERIES_POINTS),
});
const eventsParams = z.strictObject({
  device: idParam.optional(),
  since: msParam.optional(),
  limit: intParam(1, 500).default(50),
});
const samplesParams = z.strictObject({
  device: idParam.optional(),
  labelled: boolParam.optional(),
  limit: intParam(1, 500).default(50),
});
const sampleParams = z.strictObject({ device: idParam, id: keyParam });
const jobParams = z.strictObject({ id: keyParam });
const noParams = z.strictObject({});

/** The fleet table (also what the live fleet stream pushes). */
export async function fleetBody(deps: ApiDeps, options: { group?: string; limit: number; offset: number }): Promise<FleetBody> {
  const now = deps.now();
  const devices = await deps.store.listDevices({ ...options, now, staleAfterMs: deps.staleAfterMs });
  return { now, devices };
}

export function apiRoutes(deps: ApiDeps): Route[] {
  const { store, logger } = deps;
  const json = (produce: Parameters<typeof jsonRoute>[1]): Route['handle'] => jsonRoute(logger, produce);
  const liveness = (): { now: number; staleAfterMs: number } => ({ now: deps.now(), staleAfterMs: deps.staleAfterMs });

  return [
    {
      method: 'GET', path: '/api/v1/fleet',
      handle: json(async ({ params, query }) => {
        const p = parseParams(fleetParams, params, query);
        return fleetBody(deps, p.group === undefined ? { limit: p.limit, offset: p.offset } : p);
      }),
    },
    {
      method: 'GET', path: '/api/v1/devices/:id',
      handle: json(async ({ params, query }) => {
        const { id } = parseParams(deviceParams, params, query);
        const device = await store.getDevice(id, liveness());
        if (device === undefined) throw new NotFound('DEVICE_NOT_FOUND', `no device "${id}"`);
        return device;
      }),
    },
    {
      method: 'GET', path: '/api/v1/devices/:id/series',
      handle: json(async ({ params, query }) => {
        const p = parseParams(seriesParams, params, query);
        const to = p.to ?? (p.from === undefined ? deps.now() : p.from + DEFAULT_SERIES_WINDOW_MS);
        const from = p.from ?? Math.max(0, to - DEFAULT_SERIES_WINDOW_MS);
        if (from >= to) throw new BadParameter('from', `from: ${from} is not before to (${to})`);
        return { points: await store.statsSeries(p.id, { from, to, maxPoints: p.points }) };
      }),
    },
    {
      method: 'GET', path: '/api/v1/events',
      handle: json(async ({ params, query }) => {
        const p = parseParams(eventsParams, params, query);
        return { events: await store.listEvents({ limit: p.limit, ...(p.device === undefined ? {} : { deviceId: p.device }), ...(p.since === undefined ? {} : { since: p.since }) }) };
      }),
    },
    {
      method: 'GET', path: '/api/v1/samples',
      handle: json(async ({ params, query }) => {
        const p = parseParams(samplesParams, params, query);
        return { samples: await store.listSamples({ limit: p.limit, ...(p.device === undefined ? {} : { deviceId: p.device }), ...(p.labelled === undefined ? {} : { labelled: p.labelled }) }) };
      }),
    },
    {
      method: 'GET', path: '/api/v1/samples/:device/:id/jpeg',
      handle: guarded(logger, async ({ params, query, res }) => {
        const p = parseParams(sampleParams, params, query);
        const jpeg = await store.getSampleJpeg(p.device, p.id);
        if (jpeg === undefined) throw new NotFound('SAMPLE_NOT_FOUND', `no sample "${p.id}" of device "${p.device}"`);
        res.writeHead(200, {
          'Content-Type': 'image/jpeg',
          'Content-Length': jpeg.byteLength,
          // A sample never changes once stored (the store deduplicates on device and id).
          'Cache-Control': 'private, max-age=86400',
        });
        res.end(jpeg);
      }),
    },
    {
      method: 'GET', path: '/api/v1/models',
      handle: json(async ({ params, query }) => {
        parseParams(noParams, params, query);
        return { models: await store.listModels() };
      }),
    },
    {
      method: 'GET', path: '/api/v1/jobs',
      handle: json(async ({ params, query }) => {
        parseParams(noParams, params, query);
        return { jobs: await store.listJobs() };
      }),
    },
    {
      method: 'GET', path: '/api/v1/jobs/:id/log',
      handle: json(async ({ params, query }) => {
        const { id } = parseParams(jobParams, params, query);
        return { lines: await store.jobLog(id) };
      }),
    },
    {
      method: 'GET', path: '/api/v1/ingest',
      handle: json(({ params, query }) => {
        parseParams(noParams, params, query);
        if (deps.ingestCounters === undefined) throw new NotFound('INGEST_NOT_RUNNING', 'this server runs no ingest');
        return Promise.resolve(deps.ingestCounters());
      }),
    },
  ];
}
