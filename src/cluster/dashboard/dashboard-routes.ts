// The web dashboard every controller serves (issue 7): a static page with uPlot, and one JSON
// route through which the page calls the controller's functions. The page itself is public
// (it holds no data); every call needs an ADMIN session, as the functions do (SPEC §5).

import type { FastifyInstance } from 'fastify';
import { tokenOf } from '../../net/public-wire.ts';
import { requireAdmin } from '../../replication/master-routes.ts';
import type { ControllerState } from '../controller/controller-state.ts';
import { runControllerFunction } from '../rpc.ts';
import type { ControllerFunction } from '../rpc.ts';
import { DASHBOARD_PATH, loadDashboardAssets } from './dashboard-assets.ts';
import { dashboardAnswer, dashboardCallOf } from './dashboard-call.ts';
import type { DashboardAnswer } from './dashboard-call.ts';

/** Where the page calls a function: POST `{ fn, args }` with `authorization: Bearer <token>`. */
export const DASHBOARD_CALL_PATH = `${DASHBOARD_PATH}/api/call`;

// Scripts, styles and data from this controller only; the page is never framed.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

/**
 * Registers GET /dashboard (and its script, style and uPlot files) and POST
 * DASHBOARD_CALL_PATH on `app`. `functions` are the controller's (registerControllerRoutes'
 * map); only DASHBOARD_FUNCTIONS of them are called. Reads the static files now, so it throws
 * INVALID_CONFIG at start when the install is broken.
 */
export function registerDashboardRoutes(
  app: FastifyInstance,
  state: ControllerState,
  functions: ReadonlyMap<string, ControllerFunction>,
): void {
  for (const asset of loadDashboardAssets()) {
    app.get(asset.urlPath, async (_request, reply) =>
      reply
        .type(asset.contentType)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .send(asset.body),
    );
  }
  // People type the folder form too.
  app.get(`${DASHBOARD_PATH}/`, async (_request, reply) => reply.redirect(DASHBOARD_PATH, 301));
  app.post(DASHBOARD_CALL_PATH, async (request, reply): Promise<DashboardAnswer> => {
    const user = state.sessions.lookup(tokenOf(request.headers.authorization), Date.now());
    const call = dashboardCallOf(request.body);
    requireAdmin(state, user, call.fn);
    const answer = dashboardAnswer(await runControllerFunction(functions, call.fn, call.args));
    void reply.header('cache-control', 'no-store');
    return answer;
  });
}
