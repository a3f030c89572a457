import { defineEntity, p } from '@mikro-orm/core';

/**
 * JWT signing keys shared by every API process. The first process to start without
 * JWT_PRIVATE_KEY generates one and stores it here; the others read it. Retired keys stay
 * (public part only is published) until every token they signed has expired.
 */
const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.string().length(64).primary(),
    algorithm: p.string().length(16).default('EdDSA'),
    /** Null for a key configured through JWT_PRIVATE_KEY: its private half stays in the environment. */
    privateJwk: p.json<Record<string, unknown>>().nullable().lazy(),
    publicJwk: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** When set, the key no longer signs; it still verifies until retiredAt + token lifetime. */
    retiredAt: p.datetime().nullable(),
  },
});

export class SigningKey extends SigningKeySchema.class {}
SigningKeySchema.setClass(SigningKey);
