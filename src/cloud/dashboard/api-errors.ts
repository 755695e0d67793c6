/** How an API handler's failure becomes a response: 400 for a parameter, 404 for a missing thing, else 500. */
import { isLookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { sendError, sendJson } from './http-reply.ts';
import { BadParameter } from './params.ts';
import type { Route, RouteContext } from './router.ts';

export class NotFound extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

/** Runs a handler and answers any failure; a 500 carries a code, never a stack (the log has the details). */
export function guarded(logger: Logger, handle: (ctx: RouteContext) => Promise<void>): Route['handle'] {
  return async (ctx) => {
    try {
      await handle(ctx);
    } catch (e) {
      const { res, req } = ctx;
      if (res.headersSent) {
        logger.error({ err: e, url: req.url }, 'request failed after its headers were sent');
        res.destroy();
        return;
      }
      if (e instanceof BadParameter) {
        sendError(res, 400, { code: 'BAD_PARAMETER', field: e.field, message: e.message });
      } else if (e instanceof NotFound) {
        sendError(res, 404, { code: e.code, message: e.message });
      } else {
        logger.error({ err: e, url: req.url }, 'request failed');
        const code = isLookoutError(e) ? e.code : 'INTERNAL_ERROR';
        sendError(res, 500, { code, message: 'the server could not answer; its log has the details' });
      }
    }
  };
}

/** A handler whose result is the JSON body of a 200. */
export function jsonRoute(logger: Logger, produce: (ctx: RouteContext) => Promise<unknown>): Route['handle'] {
  return guarded(logger, async (ctx) => {
    sendJson(ctx.res, 200, await produce(ctx));
  });
}
