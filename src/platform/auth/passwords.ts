import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, type Options, parseOptions, verify } from '@node-rs/argon2';

/** SPEC §3.1: passwords are 8–128 characters, counted as Unicode code points (an emoji is one). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane). `Algorithm` is a
 * const enum that isolatedModules cannot read, hence the literal (2 = Argon2id).
 */
export const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

/**
 * At most this many hashes or verifications run at once per process. Each one holds 19 MiB and a
 * libuv thread for tens of milliseconds; without a cap, a burst of logins would take every thread
 * (stalling DNS and file I/O too) and the memory with it. The rest wait in line, first come first served.
 */
export const MAX_CONCURRENT_HASHES = 2;

/**
 * Of those, at most this many may hash a new account's password. Registration needs no
 * credentials, so a loop of registrations could otherwise fill every slot and the queue, and
 * everyone's login would wait behind it: new-password hashes first take this smaller slot, then a
 * shared one, so at least MAX_CONCURRENT_HASHES - 1 slots always serve logins and at most this
 * many new-password hashes stand in the shared line ahead of a login.
 */
export const MAX_CONCURRENT_NEW_PASSWORD_HASHES = 1;

export function passwordLength(password: string): number {
  let count = 0;
  for (const _ of password) count++;
  return count;
}

/** Why a new password is not acceptable, or undefined when it is. Any Unicode is allowed. */
export function passwordProblem(password: string): string | undefined {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

/** A counting semaphore: `run` starts `task` when a slot is free, otherwise queues it (FIFO). */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    // The slot is handed over by release() (active stays the same), so no late-comer can overtake the queue.
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Hashes and verifies passwords through one per-process semaphore (the cap on memory and
 * threads). Verification of an unknown account runs against a dummy hash so it costs the same as
 * a wrong password. New accounts' passwords queue for their own smaller gate first (see
 * MAX_CONCURRENT_NEW_PASSWORD_HASHES), so registrations cannot starve logins.
 */
export class PasswordHasher {
  readonly semaphore: Semaphore;
  /** Taken before a shared slot by `hashNewPassword`. */
  readonly newPasswords: Semaphore;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly options: Options = ARGON2_OPTIONS,
    maxConcurrent = MAX_CONCURRENT_HASHES,
    maxNewPasswords = MAX_CONCURRENT_NEW_PASSWORD_HASHES,
  ) {
    this.semaphore = new Semaphore(maxConcurrent);
    this.newPasswords = new Semaphore(maxNewPasswords);
  }

  /** A hash for someone who has just proven the password (login rehash): shares the slots with logins. */
  hash(password: string): Promise<string> {
    return this.semaphore.run(() => hash(normalize(password), this.options));
  }

  /** A hash of a password nobody has proven yet (registration): through the new-password gate. */
  hashNewPassword(password: string): Promise<string> {
    return this.newPasswords.run(() => this.hash(password));
  }

  /**
   * True when `password` matches `storedHash`. With no stored hash (unknown user, account without a
   * password) it verifies against the dummy hash and returns false, so both take the same time.
   */
  async verify(password: string, storedHash: string | null | undefined): Promise<boolean> {
    if (!storedHash) {
      const dummy = await this.dummy();
      await this.semaphore.run(() => verifySafely(dummy, normalize(password)));
      return false;
    }
    return this.semaphore.run(() => verifySafely(storedHash, normalize(password)));
  }

  /** True when a stored hash was made with other parameters than the current ones (rehash on login). */
  needsRehash(storedHash: string): boolean {
    try {
      const used = parseOptions(storedHash);
      return (
        used.algorithm !== this.options.algorithm ||
        used.memoryCost !== this.options.memoryCost ||
        used.timeCost !== this.options.timeCost ||
        used.parallelism !== this.options.parallelism
      );
    } catch {
      return true;
    }
  }

  /** Computed on first use rather than at import (no work at import time), then reused. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    return this.dummyHash;
  }

  /** Computes the dummy hash now, so the first unknown-username login is not slower than the rest. */
  async warmUp(): Promise<void> {
    await this.dummy();
  }
}

/**
 * NFKC before hashing (NIST SP 800-63B §5.1.1.2), so the same password typed on keyboards or
 * systems that compose characters differently ("й" as one code point or as и + breve) matches.
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

/** A malformed stored hash is a failed verification, not a 500 for the login endpoint. */
async function verifySafely(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let processHasher: PasswordHasher | undefined;

/** The hasher every caller in this process shares, so the concurrency cap holds process-wide. */
export function passwordHasher(): PasswordHasher {
  processHasher ??= new PasswordHasher();
  return processHasher;
}

/**
 * Argon2id hash (PHC string with salt and parameters) of a new account's password; goes through
 * the process's new-password gate, then its shared semaphore (PasswordHasher.hashNewPassword).
 */
export function hashPassword(password: string): Promise<string> {
  return passwordHasher().hashNewPassword(password);
}

/** See PasswordHasher.verify: pass `null` for an unknown user to spend the same time and get false. */
export function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  return passwordHasher().verify(password, storedHash);
}
