import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../../../platform/http/context.js';
import type { Services } from '../../../platform/services.js';

/** Short enough that clients see a new key soon after a rotation, long enough to spare us their polling. */
const CACHE_CONTROL = 'public, max-age=300';

const JwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().openapi({ description: 'The public key, base64url' }),
    kid: z.string().openapi({ description: 'Matches the `kid` header of the tokens it verifies' }),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('Jwk');

export const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('Jwks', {
  example: {
    keys: [
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
        kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
        alg: 'EdDSA',
        use: 'sig',
      },
    ],
  },
});

export const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  tags: ['Auth'],
  security: [],
  summary: 'Public keys that verify access tokens',
  description: [
    'The JSON Web Key Set of every key whose tokens may still be valid: the active signing key and,',
    'after a rotation, the retired one until the last token it signed has expired.',
    'Pick the key by the token header’s `kid`. Cacheable for 5 minutes.',
  ].join('\n'),
  responses: {
    200: {
      description: 'The key set',
      headers: { 'Cache-Control': { schema: { type: 'string', example: CACHE_CONTROL } } },
      content: { 'application/json': { schema: JwksSchema } },
    },
  },
});

/** GET /.well-known/jwks.json (SPEC §3.1). */
export function registerJwksRoutes(services: Pick<Services, 'keys'>): (app: OpenAPIHono<ApiEnv>) => void {
  return (app) => {
    app.openapi(jwks, async (c) =>
      c.json(JwksSchema.parse(await services.keys.jwks()), 200, { 'Cache-Control': CACHE_CONTROL }),
    );
  };
}
