import { hc, type InferRequestType, type InferResponseType } from 'hono/client';
import { describe, expectTypeOf, it } from 'vitest';
import type { AppType } from '../../src/routes.js';

// Type-level: the feature routers are chained (src/routes.ts), so AppType carries each route with
// its input and responses and a typed client needs nothing but the type. `hc` builds no request
// until a method is called, so no server is needed here; tsc checks these lines (npm run typecheck).
const client = hc<AppType>('http://localhost');

describe('AppType (typed client of the API)', () => {
  it('carries the routes of every feature', () => {
    expectTypeOf(client.auth.login.$post).toBeFunction();
    expectTypeOf(client['.well-known']['jwks.json'].$get).toBeFunction();
    expectTypeOf(client.token.$post).toBeFunction();
    expectTypeOf(client.users.me.$get).toBeFunction();
    expectTypeOf(client.messages.$post).toBeFunction();
    expectTypeOf(client.ws.$get).toBeFunction();
    expectTypeOf(client.tasks[':id'].comments.$get).toBeFunction();
    expectTypeOf(client.mailings.stats.$get).toBeFunction();
    expectTypeOf(client.admin.users[':id'].$patch).toBeFunction();
  });

  it('carries the request input of a route', () => {
    type CreateTask = InferRequestType<typeof client.tasks.$post>;
    expectTypeOf<CreateTask['json']['title']>().toEqualTypeOf<string>();
    type TaskParam = InferRequestType<(typeof client.tasks)[':id']['$get']>['param'];
    expectTypeOf<TaskParam>().toEqualTypeOf<{ id: string }>();
  });

  it('carries the responses of a route, by status', () => {
    type Created = InferResponseType<typeof client.tasks.$post, 201>;
    expectTypeOf<Created['title']>().toEqualTypeOf<string>();
    type Missing = InferResponseType<(typeof client.tasks)[':id']['$get'], 404>;
    expectTypeOf<Missing['error']['code']>().toEqualTypeOf<string>();
    type Login = InferResponseType<typeof client.auth.login.$post, 200>;
    expectTypeOf<Login['token_type']>().toEqualTypeOf<'bearer'>();
  });
});
