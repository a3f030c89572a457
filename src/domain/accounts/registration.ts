import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { hashPassword } from '../../auth/passwords.js';
import { Registration, type RegistrationStatus, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { DomainError } from '../errors.js';

/** How long a Telegram user has to confirm a registration that names them (SPEC §3.1). */
export const CONFIRMATION_WINDOW_MS = 15 * 60 * 1000;

export interface RegisterInput {
  username: string;
  password: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  telegramId?: number | undefined;
}

export type RegisterResult =
  | { status: 'active'; user: User }
  | { status: 'pending_confirmation'; registration: Registration; user: User };

const usernameTaken = () => new DomainError('username_taken', 'This username is taken', 409);

async function ensureUsernameFree(em: Em, username: string): Promise<void> {
  const taken = await em
    .getConnection()
    .execute<{ n: number }[]>('select 1 as n from users where lower(username) = lower(?) limit 1', [username]);
  if (taken.length > 0) throw usernameTaken();
}

/**
 * Creates an HTTP account. Without a telegramId it is active at once. With one, the named
 * Telegram user must have started the bot and have no account yet; the account is added to
 * their row as `pending` (reserving the username) until they confirm in Telegram.
 * `notStartedDetails` is what a 422 telegram_not_started carries (the bot's link).
 */
export async function register(
  em: Em,
  input: RegisterInput,
  notStartedDetails: () => Promise<unknown>,
  now = new Date(),
): Promise<RegisterResult> {
  await ensureUsernameFree(em, input.username);
  let owner: User | null = null;
  if (input.telegramId !== undefined) {
    owner = await em.findOne(User, { telegramId: input.telegramId });
    if (!owner) {
      throw new DomainError('telegram_not_started', 'This Telegram user has not started the bot yet', 422, {
        ...((await notStartedDetails()) as object),
      });
    }
    if (owner.username || owner.status === 'banned') {
      throw new DomainError('telegram_taken', 'This Telegram user already has an account', 409);
    }
  }
  // Hash outside the transaction: it takes tens of milliseconds and holds no locks.
  const passwordHash = await hashPassword(input.password);
  const account = {
    username: input.username,
    passwordHash,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    email: input.email ?? null,
  };
  try {
    return await em.transactional(async (tx) => {
      if (!owner) {
        const user = tx.create(User, { ...account, accountState: 'active' });
        await tx.flush();
        return { status: 'active' as const, user };
      }
      // Re-check inside the transaction with a row lock: two registrations naming one Telegram user race here.
      const user = await tx.findOneOrFail(User, { id: owner.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (user.username) throw new DomainError('telegram_taken', 'This Telegram user already has an account', 409);
      tx.assign(user, { ...account, accountState: 'pending' });
      const registration = tx.create(Registration, {
        user,
        username: input.username,
        expiresAt: new Date(now.getTime() + CONFIRMATION_WINDOW_MS),
      });
      await tx.flush();
      return { status: 'pending_confirmation' as const, registration, user };
    });
  } catch (err) {
    // Two registrations of one username at once: the unique index decides.
    if (err instanceof UniqueConstraintViolationException) throw usernameTaken();
    throw err;
  }
}

export type Decision = 'confirm' | 'decline' | 'expire';

export interface DecisionOutcome {
  /** What happened now, or the earlier outcome if the request was already decided. */
  status: RegistrationStatus;
  /** False when this call found the request already decided (or expired) and changed nothing. */
  changed: boolean;
  username: string;
  telegramId: number | null;
  messageId: number | null;
  language: User['language'];
}

/**
 * Confirms, declines or expires a pending registration. `telegramId` is who pressed the
 * button; a press by anyone but the named Telegram user is "not found" and changes nothing.
 * Declining or expiring removes the account fields again, freeing the username. Safe to call
 * twice (the expiry job and a late click): only the first decision counts.
 */
export async function decideRegistration(
  em: Em,
  registrationId: string,
  decision: Decision,
  actorTelegramId: number | null,
  now = new Date(),
): Promise<DecisionOutcome> {
  return em.transactional(async (tx) => {
    const registration = await tx.findOne(
      Registration,
      { id: registrationId },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const user = registration?.user;
    if (!registration || !user || (actorTelegramId !== null && user.telegramId !== actorTelegramId)) {
      throw new DomainError('not_found', 'No such registration', 404);
    }
    const outcome = (status: RegistrationStatus, changed: boolean): DecisionOutcome => ({
      status,
      changed,
      username: registration.username,
      telegramId: user.telegramId ?? null,
      messageId: registration.messageId ?? null,
      language: user.language,
    });
    if (registration.status !== 'pending') return outcome(registration.status, false);
    const expired = registration.expiresAt.getTime() <= now.getTime();
    const status: RegistrationStatus =
      decision === 'confirm' && !expired ? 'confirmed' : decision === 'decline' && !expired ? 'declined' : 'expired';
    if (decision === 'expire' && !expired) return outcome('pending', false);
    registration.status = status;
    registration.decidedAt = now;
    if (status === 'confirmed') {
      user.accountState = 'active';
    } else {
      tx.assign(user, {
        username: null,
        passwordHash: null,
        accountState: null,
        firstName: null,
        lastName: null,
        email: null,
      });
    }
    await tx.flush();
    return outcome(status, true);
  });
}

/** Remembers the confirmation message so the outcome can be written into it later. */
export async function setConfirmationMessage(em: Em, registrationId: string, messageId: number): Promise<void> {
  await em.nativeUpdate(Registration, { id: registrationId }, { messageId });
}

export interface PendingConfirmation {
  registrationId: string;
  username: string;
  telegramId: number;
  language: User['language'];
  expiresAt: Date;
}

/** What the confirmation message needs, if the registration still waits for an answer. */
export async function pendingConfirmation(em: Em, registrationId: string): Promise<PendingConfirmation | null> {
  const registration = await em.findOne(
    Registration,
    { id: registrationId, status: 'pending' },
    { populate: ['user'] },
  );
  const telegramId = registration?.user.telegramId;
  if (!registration || telegramId == null) return null;
  return {
    registrationId: registration.id,
    username: registration.username,
    telegramId,
    language: registration.user.language,
    expiresAt: registration.expiresAt,
  };
}
