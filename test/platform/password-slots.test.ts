import { describe, expect, it, vi } from 'vitest';

/**
 * Registrations cannot starve logins (issue 10): Argon2's `hash` is held here until the test
 * lets it go, so "registration hashing is saturated" is a state, not a timing. `verify` is real.
 */
const held = vi.hoisted(() => ({ releases: [] as Array<() => void> }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    hash: vi.fn(
      (password: string, options: Parameters<typeof real.hash>[1]) =>
        new Promise<string>((resolve) => held.releases.push(() => resolve(real.hash(password, options)))),
    ),
  };
});

const { hashPassword, MAX_CONCURRENT_HASHES, passwordHasher, verifyPassword } = await import(
  '../../src/platform/auth/passwords.js'
);
const argon2 = await vi.importActual<typeof import('@node-rs/argon2')>('@node-rs/argon2');

/** Lets queued promise callbacks run (no timers involved). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('registration hashes and logins', () => {
  it('serves a login while registration hashes are held, then finishes every registration', async () => {
    const stored = await argon2.hash('the right password');
    const hasher = passwordHasher();

    // A loop of registrations: registration.ts hashes with hashPassword.
    const registrations = Array.from({ length: 8 }, (_, i) => hashPassword(`new account password ${i}`));
    await settle();
    // Only one new-password hash is in Argon2; the others wait at their own gate, not in the shared line.
    expect(held.releases).toHaveLength(1);
    expect(hasher.semaphore.running).toBe(1);
    expect(hasher.semaphore.waiting).toBe(0);
    expect(hasher.semaphore.running).toBeLessThan(MAX_CONCURRENT_HASHES);

    // A login (a verification) gets the free shared slot and completes while the registration is held.
    expect(await verifyPassword('the right password', stored)).toBe(true);
    expect(await verifyPassword('a wrong password', stored)).toBe(false);
    expect(held.releases).toHaveLength(1);

    // Releasing them one by one completes every registration, still one at a time.
    for (let done = 0; done < registrations.length; done++) {
      expect(held.releases).toHaveLength(done + 1);
      held.releases[done]?.();
      await registrations[done];
      await settle();
    }
    const hashes = await Promise.all(registrations);
    expect(new Set(hashes).size).toBe(registrations.length);
    expect(hasher.semaphore.running).toBe(0);
    expect(hasher.newPasswords.running).toBe(0);
  });
});
