/** The web page: index.html for `/` and `/device/<id>` (the script routes on the path or the hash), plus its files. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidId } from '../../protocol/index.ts';
import { notFound } from './http-reply.ts';
import type { Route } from './router.ts';
import { sendAsset, type StaticAssets } from './static-assets.ts';

/** Files the login form needs before anyone is logged in; they carry no fleet data. */
export const PUBLIC_ASSETS: ReadonlySet<string> = new Set(['style.css', 'favicon.svg']);

function serveNamed(assets: StaticAssets, name: string, req: IncomingMessage, res: ServerResponse): void {
  const asset = name === 'index.html' ? assets.get(name) : assets.asset(name);
  if (asset === undefined) notFound(res, false);
  else sendAsset(req, res, asset);
}

export function pageRoutes(assets: StaticAssets): Route[] {
  return [
    { method: 'GET', path: '/', handle: ({ req, res }) => { serveNamed(assets, 'index.html', req, res); } },
    {
      method: 'GET', path: '/device/:id',
      handle: ({ req, res, params }) => {
        if (!isValidId(params['id'] ?? '')) notFound(res, false);
        else serveNamed(assets, 'index.html', req, res);
      },
    },
    { method: 'GET', path: '/:file', handle: ({ req, res, params }) => { serveNamed(assets, params['file'] ?? '', req, res); } },
  ];
}
