import { hash } from '@node-rs/argon2';
import { describe, expect, it, vi } from 'vitest';
import {
  hashPassword,
  MAX_CONCURRENT_HASHES,
  PasswordHasher,
  passwordHasher,
  passwordLength,
  passwordProblem,
  Semaphore,
  verifyPassword,
} from '../../src/platform/auth/passwords.js';

describe('password rules', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(passwordLength('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });

  it.each([
    ['1234567', 'at least 8'],
    ['😀😀😀😀😀😀😀', 'at least 8'],
    ['x'.repeat(129), 'at most 128'],
    ['😀'.repeat(129), 'at most 128'],
  ])('refuses %j', (password, message) => {
    expect(passwordProblem(password)).toContain(message);
  });

  it.each(['12345678', '😀😀😀😀😀😀😀😀', 'x'.repeat(128), '😀'.repeat(128), 'пароль пароль', '   spaces  '])(
    'accepts %j',
    (password) => {
      expect(passwordProblem(password)).toBeUndefined();
    },
  );
});

describe('hashPassword / verifyPassword', () => {
  it('makes Argon2id hashes with the OWASP parameters and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
  });

  it('handles any Unicode, however the characters are composed', async () => {
    const password = 'мой пароль 😀 密码';
    const stored = await hashPassword(password);
    expect(await verifyPassword(password, stored)).toBe(true);
    // "й" typed as и + combining breve is the same password.
    expect(password.normalize('NFD')).not.toBe(password);
    expect(await verifyPassword(password.normalize('NFD'), stored)).toBe(true);
    expect(await verifyPassword(password.replace('й', 'и'), stored)).toBe(false);
  });

  it('returns false (not an error) for a corrupt stored hash', async () => {
    expect(await verifyPassword('whatever', 'not-a-hash')).toBe(false);
  });

  it('shares one hasher per process', () => {
    expect(passwordHasher()).toBe(passwordHasher());
  });
});

describe('PasswordHasher', () => {
  it('verifies an unknown account against a dummy hash computed once, lazily', async () => {
    const hasher = new PasswordHasher();
    const run = vi.spyOn(hasher.semaphore, 'run');
    expect(run).not.toHaveBeenCalled();
    expect(await hasher.verify('anything at all', null)).toBe(false);
    // First time: the dummy hash, then the verification.
    expect(run).toHaveBeenCalledTimes(2);
    expect(await hasher.verify('anything else', undefined)).toBe(false);
    // Afterwards only the verification, the same work as for a wrong password.
    expect(run).toHaveBeenCalledTimes(3);
    const stored = await hasher.hash('the real one');
    run.mockClear();
    expect(await hasher.verify('wrong one', stored)).toBe(false);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('runs at most two hashes at once and queues the rest', async () => {
    const hasher = new PasswordHasher();
    expect(MAX_CONCURRENT_HASHES).toBe(2);
    const work = Array.from({ length: 5 }, (_, i) => hasher.hash(`password-${i}`));
    expect(hasher.semaphore.running).toBe(2);
    expect(hasher.semaphore.waiting).toBe(3);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, hasher.semaphore.running);
    }, 1);
    const hashes = await Promise.all(work);
    clearInterval(sampler);
    expect(peak).toBeLessThanOrEqual(2);
    expect(new Set(hashes).size).toBe(5);
    expect(hasher.semaphore.running).toBe(0);
    expect(hasher.semaphore.waiting).toBe(0);
  });

  it('tells which stored hashes need a rehash', async () => {
    const hasher = new PasswordHasher();
    expect(hasher.needsRehash(await hasher.hash('x'.repeat(8)))).toBe(false);
    expect(hasher.needsRehash(await hash('x'.repeat(8), { memoryCost: 8192, timeCost: 3, parallelism: 1 }))).toBe(true);
    expect(hasher.needsRehash(await hash('x'.repeat(8), { algorithm: 1 as never }))).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
  });
});

describe('Semaphore', () => {
  function deferred() {
    let resolve: () => void = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it('starts tasks in arrival order as slots free up', async () => {
    const semaphore = new Semaphore(2);
    const gates = Array.from({ length: 4 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      semaphore.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(semaphore.waiting).toBe(2);

    gates[1]?.resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    // A newcomer does not overtake the one still waiting.
    const late = semaphore.run(async () => {
      started.push(99);
    });
    gates[0]?.resolve();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.resolve();
    gates[3]?.resolve();
    await Promise.all([...runs, late]);
    expect(started).toEqual([0, 1, 2, 3, 99]);
    expect(semaphore.running).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(semaphore.running).toBe(0);
    expect(await semaphore.run(async () => 'ok')).toBe('ok');
  });
});
