/** The dashboard's public surface for the cloud service's composition root. */
export { createDashboard, type Dashboard, type DashboardDeps } from './dashboard.ts';
export { defaultStaticDir } from './static-assets.ts';
export { MIN_TOKEN_LENGTH, TOKEN_COOKIE } from './auth.ts';
export type { Route, RouteContext } from './router.ts';
