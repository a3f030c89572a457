import { createRouter } from '../../../platform/http/openapi.js';
import type { Services } from '../../../platform/services.js';
import { authenticate, scoped } from '../../users/index.js';
import * as handlers from './handlers.js';
import * as routes from './routes.js';

/**
 * SPEC §3.6: mailings over the same domain use cases as the bot's admin screens. Admin only: a
 * service token needs the scope mailings:admin (by name, not through "*") and an admin `sub`.
 * Chained, so the router's type carries every route (src/routes.ts exports it as AppType).
 */
export function mailingsApi(services: Services) {
  const auth = authenticate(services);
  const guarded = <R extends Parameters<typeof scoped>[0]>(route: R) => scoped(route, auth, 'mailings:admin');

  return (
    createRouter()
      // /mailings/stats before /mailings/{id}.
      .openapi(guarded(routes.mailingStats), handlers.mailingStats)
      .openapi(guarded(routes.listMailings), handlers.listMailings)
      .openapi(guarded(routes.countAudience), handlers.countAudience)
      .openapi(guarded(routes.createMailing), handlers.createMailing)
      .openapi(guarded(routes.getMailing), handlers.getMailing)
      .openapi(guarded(routes.updateMailing), handlers.updateMailing)
      .openapi(guarded(routes.deleteMailing), handlers.deleteMailing)
      .openapi(guarded(routes.cancelMailing), handlers.cancelMailing)
      .openapi(guarded(routes.pauseMailing), handlers.pauseMailing)
      .openapi(guarded(routes.resumeMailing), handlers.resumeMailing)
      .openapi(guarded(routes.testMailing), handlers.testMailing(services))
      .openapi(guarded(routes.recallMailing), handlers.recallMailing)
      .openapi(guarded(routes.listDeliveries), handlers.listDeliveries)
      // Public: a recipient's tap on a mailing button (the code is the credential).
      .openapi(routes.followClick, handlers.followClick)
  );
}
