/**
 * The closed loop's part of the dashboard API (behind the token):
 *   GET  /api/v1/fleets                          each fleet: last drift check, rollout in progress
 *   POST /api/v1/fleets/:group/retrain           start a retraining job now
 *   POST /api/v1/samples/:device/:id/labels      human labels for a sample: {"labels":[{"label","box"}]}
 *   POST /api/v1/devices/:id/domain              the simulated world only: shift a synthetic camera's scene
 *                                                ({"lighting":"night"}; sent as a set-domain command)
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { deviceTopic, ID_PATTERN } from '../../protocol/index.ts';
import type { Logger } from '../../log.ts';
import { guarded, jsonRoute, NotFound } from '../dashboard/api-errors.ts';
import { sendJson } from '../dashboard/http-reply.ts';
import { BadParameter, parseParams } from '../dashboard/params.ts';
import type { Route } from '../dashboard/router.ts';
import type { CloudPublisher } from '../rollout/publisher.ts';
import type { Store } from '../store/store.ts';
import { labelsSchema } from '../store/validate.ts';
import type { RetrainService } from './retrain-service.ts';

const MAX_BODY = 256 * 1024;
const id = z.string().regex(ID_PATTERN, 'letters, digits, "_", "." or "-", at most 64');

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadParameter('(body)', `the body is over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (e) {
    throw new BadParameter('(body)', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
  throw new BadParameter(field, `${field}: ${issue?.message ?? 'invalid'}`);
}

const domainSchema = z.strictObject({
  lighting: z.string().max(32).optional(),
  background: z.string().max(32).optional(),
  appearance: z.string().max(32).optional(),
}).refine((d) => Object.keys(d).length > 0, 'name at least one of lighting, background, appearance');

export function retrainRoutes(deps: {
  readonly store: Store;
  readonly logger: Logger;
  readonly retrain: () => RetrainService | undefined;
  readonly publisher: () => Pick<CloudPublisher, 'publish'> | undefined;
}): Route[] {
  const { logger } = deps;
  return [
    {
      method: 'GET', path: '/api/v1/fleets',
      handle: jsonRoute(logger, ({ query }) => {
        parseParams(z.strictObject({}), {}, query);
        const service = deps.retrain();
        if (service === undefined) return Promise.resolve({ enabled: false, fleets: [] });
        return Promise.resolve({
          enabled: true,
          fleets: service.fleets.map((group) => ({ group, lastCheck: service.lastChecks.get(group) ?? null, rollout: service.rolloutStatus(group) ?? null })),
        });
      }),
    },
    {
      method: 'POST', path: '/api/v1/fleets/:group/retrain',
      handle: guarded(logger, async ({ res, params, query }) => {
        const { group } = parseParams(z.strictObject({ group: id }), params, query);
        const service = deps.retrain();
        if (service === undefined) throw new NotFound('RETRAIN_OFF', 'retraining is not enabled (retrain.enabled)');
        if (!service.fleets.includes(group)) throw new NotFound('NO_SUCH_FLEET', `no fleet for group ${group} in retrain.fleets`);
        const job = await service.trigger(group, ['started from the dashboard']);
        if (job === undefined) {
          sendJson(res, 409, { error: { code: 'JOB_RUNNING', message: 'a retraining job is running; try again when it ends' } });
          return;
        }
        sendJson(res, 202, { job });
      }),
    },
    {
      method: 'POST', path: '/api/v1/samples/:device/:id/labels',
      handle: guarded(logger, async ({ req, res, params, query }) => {
        const p = parseParams(z.strictObject({ device: id, id: z.string().min(1).max(64) }), params, query);
        const { labels } = parseBody(z.strictObject({ labels: labelsSchema }), await jsonBody(req));
        if (!await deps.store.setSampleLabels(p.device, p.id, labels, 'human')) throw new NotFound('NO_SUCH_SAMPLE', `no sample ${p.device}/${p.id}`);
        sendJson(res, 200, { ok: true, labels: labels.length });
      }),
    },
    {
      method: 'POST', path: '/api/v1/devices/:id/domain',
      handle: guarded(logger, async ({ req, res, params, query }) => {
        const p = parseParams(z.strictObject({ id }), params, query);
        const domain = parseBody(domainSchema, await jsonBody(req));
        const publisher = deps.publisher();
        if (publisher === undefined) throw new NotFound('NO_PUBLISHER', 'the service publishes no commands');
        const command = { id: randomUUID(), cmd: 'set-domain', domain };
        await publisher.publish(deviceTopic(p.id, 'cmd'), JSON.stringify(command), false);
        sendJson(res, 202, { sent: command });
      }),
    },
  ];
}
