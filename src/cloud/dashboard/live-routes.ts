/** The two event streams: the whole fleet (from the store, on a shared timer) and one device (from the broker). */
import { z } from 'zod';
import type { Logger } from '../../log.ts';
import type { LiveFeed, LiveMessage } from '../live/live-feed.ts';
import { guarded } from './api-errors.ts';
import type { FleetBroadcaster } from './fleet-broadcaster.ts';
import { idParam, parseParams } from './params.ts';
import type { Route } from './router.ts';
import { SseStream } from './sse-stream.ts';

export interface LiveRoutesDeps {
  readonly live: LiveFeed;
  readonly fleet: FleetBroadcaster;
  readonly pingMs: number;
  readonly logger: Logger;
  /** Every open stream, so the server can end them all when it closes. */
  readonly streams: Set<SseStream>;
}

const deviceParams = z.strictObject({ id: idParam });
const noParams = z.strictObject({});

export function liveRoutes(deps: LiveRoutesDeps): Route[] {
  const { logger, streams } = deps;
  return [
    {
      method: 'GET', path: '/api/v1/live/fleet', stream: true,
      handle: guarded(logger, ({ params, query, res }) => {
        parseParams(noParams, params, query);
        const stream: SseStream = new SseStream(res, {
          pingMs: deps.pingMs,
          onClose: () => {
            streams.delete(stream);
            deps.fleet.remove(stream);
          },
        });
        streams.add(stream);
        stream.open();
        deps.fleet.add(stream);
        return Promise.resolve();
      }),
    },
    {
      method: 'GET', path: '/api/v1/live/devices/:id', stream: true,
      handle: guarded(logger, ({ params, query, req, res }) => {
        const { id } = parseParams(deviceParams, params, query);
        let unwatch: (() => void) | undefined;
        const stream: SseStream = new SseStream(res, {
          pingMs: deps.pingMs,
          onClose: () => {
            streams.delete(stream);
            unwatch?.();
            unwatch = undefined;
          },
        });
        streams.add(stream);
        stream.open();
        // The response's close covers both the client leaving and the server ending the stream; the request's
        // close is the client leaving (Node emits it when the socket goes).
        req.once('close', () => { stream.close(); });
        unwatch = deps.live.watchDevice(id, (message: LiveMessage) => {
          try {
            stream.send(message.channel, message.payload);
          } catch (e) {
            // One client's write failing must not break the feed's fan-out to the others (STYLE 12).
            logger.warn({ err: e, deviceId: id }, 'live device message not relayed');
          }
        });
        return Promise.resolve();
      }),
    },
  ];
}
