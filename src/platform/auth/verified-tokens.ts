/**
 * Access tokens this process has verified, kept until they expire (issue 17): an EdDSA check costs
 * more than the rest of a small request, and a client sends the same token with every request of
 * its 15 minutes. Only tokens that passed verification are kept (a flood of forged ones cannot
 * fill it), an entry never outlives its token's `exp`, and its signing key must still verify
 * when it is used (a key withdrawn from the database stops its tokens at the next key reload).
 * Bounded: beyond `max` entries the oldest are dropped and simply verified again.
 */
export class VerifiedTokens<Claims extends { exp?: number }> {
  private readonly entries = new Map<string, { claims: Claims; kid: string; issuer: string; expiresAtMs: number }>();

  constructor(private readonly max = 5_000) {}

  /** The claims of a token verified earlier for this issuer, if it has not expired since. */
  get(token: string, issuer: string, nowMs = Date.now()): { claims: Claims; kid: string } | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs || entry.issuer !== issuer) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  remember(token: string, issuer: string, kid: string, claims: Claims): void {
    if (typeof claims.exp !== 'number') return;
    if (this.entries.size >= this.max) {
      // Map keeps insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { claims, kid, issuer, expiresAtMs: claims.exp * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}
