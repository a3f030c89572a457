import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { hashPassword } from '../../platform/auth/passwords.js';
import { type Em, execute } from '../../platform/db/orm.js';
import { isRowId } from '../../platform/db/row-id.js';
import { DomainError } from '../../platform/errors.js';
import { User } from '../users/index.js';
import { Registration, type RegistrationStatus } from './account.entities.js';

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

const usernameTaken = () => new DomainError('username_taken', 'This username is taken');
/** One answer for every refusal of a Telegram user, so the requester learns nothing more (SPEC §3.1). */
const telegramTaken = () =>
  new DomainError('telegram_taken', 'This Telegram user already has an account or cannot be asked now');

/** After a Decline, the same Telegram user is not asked again for this long (SPEC §3.1). */
export const DECLINE_COOLDOWN_MS = 60 * 60 * 1000;

/**
 * Requests a Telegram user left unconfirmed (declined, or expired unanswered) within a day: at this
 * many, nobody may ask them again until the oldest is a day old. Without a cap, a stranger who knows
 * someone's Telegram id could put a request (with a username of their choosing) in front of them
 * every 15 minutes if they ignore it, or every hour if they decline, for ever. Whoever really wants
 * the account can still register without `telegramId` and link it from the bot.
 */
export const UNANSWERED_LIMIT = { count: 3, windowMs: 24 * 60 * 60 * 1000 } as const;

/**
 * Serialises every claim on one handle (registration, confirmation) for the rest of the
 * transaction, so two requests cannot both find it free. Keyed by the lower-cased handle.
 */
export async function lockHandle(em: Em, handle: string): Promise<void> {
  await execute(em, "select pg_advisory_xact_lock(hashtext('handle:' || lower(?)))", [handle]);
}

/**
 * One handle, one person (SPEC §3.1): a username is taken when an account has it, a pending
 * registration holds it, or another person's Telegram account carries it. `self` is the
 * Telegram user the account is for, whose own Telegram username does not count against them.
 */
export async function ensureHandleFree(em: Em, username: string, self: User | null = null): Promise<void> {
  const taken = await execute<{ n: number }[]>(
    em,
    `select 1 as n from users where lower(username) = lower(?)
     union all
     select 1 from registrations where lower(username) = lower(?) and status = 'pending'
     union all
     select 1 from users where lower(telegram_username) = lower(?) and id <> ? and status = 'active'
     limit 1`,
    [username, username, username, self?.id ?? '0'],
  );
  if (taken.length > 0) throw usernameTaken();
}

/**
 * Creates an HTTP account. Without a telegramId it is active at once. With one, the named
 * Telegram user must have started the bot and have no account yet; the request is stored as a
 * pending registration (reserving the username) and their row is left alone until they press
 * Confirm. A Telegram user who has an account, an open request, declined one within the last
 * hour or is banned gets the same 409 telegram_taken, so the answer reveals nothing more.
 * `notStartedDetails` is what a 422 telegram_not_started carries (the bot's link).
 */
export async function register(
  em: Em,
  input: RegisterInput,
  notStartedDetails: () => Promise<unknown>,
  now = new Date(),
): Promise<RegisterResult> {
  let owner: User | null = null;
  if (input.telegramId !== undefined) {
    owner = await em.findOne(User, { telegramId: input.telegramId });
    if (!owner) {
      throw new DomainError('telegram_not_started', 'This Telegram user has not started the bot yet', {
        ...((await notStartedDetails()) as object),
      });
    }
  }
  await ensureHandleFree(em, input.username, owner);
  if (owner) await ensureAskable(em, owner, now);
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
      // Re-check under the handle's lock: the checks above raced with other registrations.
      await lockHandle(tx, input.username);
      await ensureHandleFree(tx, input.username, owner);
      if (!owner) {
        const user = tx.create(User, { ...account, accountState: 'active' });
        await tx.flush();
        return { status: 'active' as const, user };
      }
      // The Telegram user's row is locked (two requests naming them race here) but not changed.
      const user = await tx.findOneOrFail(User, { id: owner.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      await ensureAskable(tx, user, now);
      const registration = tx.create(Registration, {
        user,
        ...account,
        expiresAt: new Date(now.getTime() + CONFIRMATION_WINDOW_MS),
      });
      await tx.flush();
      return { status: 'pending_confirmation' as const, registration, user };
    });
  } catch (err) {
    // Two registrations of one username at once: the unique indexes decide.
    if (err instanceof UniqueConstraintViolationException) {
      throw String(err.message).includes('registrations_pending_user') ? telegramTaken() : usernameTaken();
    }
    throw err;
  }
}

/**
 * Whether this Telegram user may be asked to confirm a registration now; telegram_taken if not: an
 * open request, a Decline within the hour, or UNANSWERED_LIMIT unconfirmed requests within a day.
 */
async function ensureAskable(em: Em, user: User, now: Date): Promise<void> {
  if (user.username || user.status === 'banned') throw telegramTaken();
  const at = now.getTime();
  // Every rule looks at the last day's requests (a Decline within the hour was made within it).
  const recent = await em.find(
    Registration,
    { user, createdAt: { $gt: new Date(at - UNANSWERED_LIMIT.windowMs) } },
    { fields: ['status', 'expiresAt', 'decidedAt'] },
  );
  type Seen = Pick<Registration, 'status' | 'expiresAt' | 'decidedAt'>;
  const open = (r: Seen) => r.status === 'pending' && r.expiresAt.getTime() > at;
  const declinedLately = (r: Seen) =>
    r.status === 'declined' && (r.decidedAt?.getTime() ?? 0) > at - DECLINE_COOLDOWN_MS;
  // Declined, expired, or pending past its window (the expiry sweep has not marked it yet).
  const unanswered = recent.filter((r) => r.status !== 'confirmed' && !open(r));
  if (recent.some(open) || recent.some(declinedLately) || unanswered.length >= UNANSWERED_LIMIT.count) {
    throw telegramTaken();
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
  /**
   * Nothing decided: Confirm was pressed on a request that did not say admin rights go with it,
   * and the person has been made an admin since. The request is to be shown again.
   */
  askAgain?: true;
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
  { adminNamed = false, now = new Date() }: { adminNamed?: boolean; now?: Date } = {},
): Promise<DecisionOutcome> {
  // A forged id past PostgreSQL's bigint would fail the query: "not found", as any unknown id.
  if (!isRowId(registrationId)) throw new DomainError('not_found', 'No such registration');
  return em.transactional(async (tx) => {
    const registration = await tx.findOne(
      Registration,
      { id: registrationId },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const user = registration?.user;
    if (!registration || !user || (actorTelegramId !== null && user.telegramId !== actorTelegramId)) {
      throw new DomainError('not_found', 'No such registration');
    }
    const outcome = (status: RegistrationStatus, changed: boolean): DecisionOutcome => ({
      status: status === 'pending' ? status : registration.status,
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
    if (decision === 'confirm' && !expired && user.role === 'admin' && !adminNamed) {
      return { ...outcome('pending', false), askAgain: true };
    }
    registration.status = status;
    registration.decidedAt = now;
    if (status === 'confirmed') {
      // Only now does the requested account touch the person's row. The handle was reserved by
      // the pending request; the lock keeps a concurrent claim from slipping in between.
      await lockHandle(tx, registration.username);
      const full = await tx.findOneOrFail(Registration, { id: registration.id }, { populate: ['passwordHash'] });
      if (user.username) {
        // The person got an account some other way meanwhile: this request cannot apply.
        registration.status = 'expired';
      } else {
        tx.assign(user, {
          username: registration.username,
          passwordHash: full.passwordHash,
          firstName: registration.firstName ?? null,
          lastName: registration.lastName ?? null,
          email: registration.email ?? null,
          accountState: 'active',
        });
      }
    }
    // The password hash is needed by Confirm only; nobody else ever reads it.
    registration.passwordHash = null;
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
  /** The Telegram user's zone: the request's deadline is written in it. */
  timezone: string;
  /** The Telegram user's role: the confirmation says an admin hands over admin rights. */
  role: User['role'];
}

/**
 * What the confirmation message needs, if the registration still waits for an answer: pending and
 * inside its window (a request the worker gets to only after it ran out — long retries, an outage —
 * would put buttons in front of the person that can only say "expired").
 */
export async function pendingConfirmation(em: Em, registrationId: string): Promise<PendingConfirmation | null> {
  const registration = await em.findOne(
    Registration,
    { id: registrationId, status: 'pending', expiresAt: { $gt: new Date() } },
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
    timezone: registration.user.timezone,
    role: registration.user.role,
  };
}
