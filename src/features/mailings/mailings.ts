import { type Em, execute } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import type { User } from '../users/index.js';
import { audienceSql, normalizeFilter } from './audience.js';
import { type MailingContent, validateContent } from './content.js';
import { expireCancelledDeliveries } from './deliveries.js';
import {
  DELIVERY_STATUSES,
  Delivery,
  type DeliveryStatus,
  Mailing,
  type MailingButton,
  type MailingFilter,
  type MailingMedia,
  type MailingStatus,
  type TextEntity,
} from './mailing.entities.js';

/**
 * Mailings (SPEC §2.5, §3.6): validation, counts and the admin use cases the bot and the API
 * share. Who a mailing reaches is audience.ts; the deliveries table belongs to deliveries.ts,
 * which the engine (jobs/) and the cancel below both write through.
 */

export { htmlProblem, MAILING_CAPTION_MAX, MAILING_TEXT_MAX } from './content.js';

export interface MailingWindow {
  from: string;
  to: string;
}

export interface MailingInput {
  /** HTML, or plain text formatted by `entities`; the caption when there is media. */
  text: string;
  entities?: TextEntity[] | null;
  media?: MailingMedia | null;
  buttons?: MailingButton[][] | null;
  filter?: MailingFilter | null;
  /** Default: now. */
  startAt?: Date | null;
  endAt: Date;
  window?: MailingWindow | null;
}

export type MailingPatch = Partial<MailingInput>;

export type DeliveryCounts = Record<DeliveryStatus, number>;

export interface MailingView {
  id: string;
  text: string;
  entities: TextEntity[] | null;
  media: MailingMedia | null;
  buttons: MailingButton[][] | null;
  filter: MailingFilter;
  startAt: Date;
  endAt: Date;
  window: MailingWindow | null;
  status: MailingStatus;
  recipientCount: number;
  counts: DeliveryCounts;
  /** Recipients who pressed 🔕 Unsubscribe under this mailing (and did not undo it). */
  unsubscribes: number;
  createdAt: Date;
  pausedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
}

const invalid = (field: string, message: string, reason: string) =>
  new DomainError(`${field}_invalid`, message, { field, reason });

export const isMailingId = (id: string) => /^\d{1,18}$/.test(id);

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * The one parser of sending windows. A window is two local times "HH:MM" (00:00–23:59) that
 * differ; it may wrap midnight (22:00–06:00). The API sends the two ends as fields, the bot's
 * dialog as one text (`parseWindowText`); both end here, and the outcome is data so the API can
 * raise it as a field error and the dialog answer with its localized hint.
 */
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface WindowProblem {
  field: 'window.from' | 'window.to' | 'window';
  reason: 'format' | 'empty';
}
export type WindowOutcome =
  | { window: MailingWindow; minutes: { from: number; to: number } }
  | { problem: WindowProblem };

const clockMinutes = (value: string): number | null => {
  const match = HHMM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

export function readWindow(window: MailingWindow): WindowOutcome {
  const from = clockMinutes(window.from);
  if (from === null) return { problem: { field: 'window.from', reason: 'format' } };
  const to = clockMinutes(window.to);
  if (to === null) return { problem: { field: 'window.to', reason: 'format' } };
  if (from === to) return { problem: { field: 'window', reason: 'empty' } };
  return { window: { from: window.from, to: window.to }, minutes: { from, to } };
}

/** The window written as one text, as the bot asks for it: "09:00-21:00"; "9:00 – 21:00" too. */
const WINDOW_TEXT = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/;

export function parseWindowText(text: string): WindowOutcome {
  const match = WINDOW_TEXT.exec(text.trim());
  if (!match) return { problem: { field: 'window', reason: 'format' } };
  const [, fromHour = '', fromMinute = '', toHour = '', toMinute = ''] = match;
  return readWindow({
    from: `${fromHour.padStart(2, '0')}:${fromMinute}`,
    to: `${toHour.padStart(2, '0')}:${toMinute}`,
  });
}

export const formatMinutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const WINDOW_MESSAGES: Record<WindowProblem['reason'], string> = {
  format: 'Expected a time as HH:MM (00:00–23:59)',
  empty: 'The window must not start and end at the same time',
};

function parseWindow(window: MailingWindow | null | undefined): { from: number; to: number } | null {
  if (!window) return null;
  const outcome = readWindow(window);
  if ('problem' in outcome) {
    const { field, reason } = outcome.problem;
    throw invalid(field, WINDOW_MESSAGES[reason], reason);
  }
  return outcome.minutes;
}

function validDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(field, 'Expected a date-time', 'type');
  return value;
}

function checkTimes(startAt: Date, endAt: Date, now: Date) {
  if (endAt.getTime() <= startAt.getTime()) throw invalid('endAt', 'The end must be after the start', 'before_start');
  if (endAt.getTime() <= now.getTime()) throw invalid('endAt', 'The end is in the past', 'past');
}

// ---------------------------------------------------------------------------------------------
// Audience

/** How many users the filter reaches now (one COUNT). */
export async function countAudience(em: Em, filter: MailingFilter | null | undefined): Promise<number> {
  const { where, params } = audienceSql(normalizeFilter(filter));
  const rows = await em
    .getConnection()
    .execute<{ n: string }[]>(`select count(*) as n from users u where ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Use cases

export async function createMailing(
  em: Em,
  actor: User | null,
  input: MailingInput,
  now = new Date(),
): Promise<Mailing> {
  const content = validateContent(input);
  const filter = normalizeFilter(input.filter);
  const startAt = input.startAt ? validDate(input.startAt, 'startAt') : now;
  const endAt = validDate(input.endAt, 'endAt');
  checkTimes(startAt, endAt, now);
  const window = parseWindow(input.window);
  const mailing = em.create(Mailing, {
    text: content.text,
    entities: content.entities,
    media: content.media,
    buttons: content.buttons,
    filter,
    startAt,
    endAt,
    windowFrom: window?.from ?? null,
    windowTo: window?.to ?? null,
    status: 'scheduled',
    createdBy: actor,
  });
  await em.flush();
  audit(em, actor, 'mailing.create', { type: 'mailing', id: mailing.id }, { startAt, endAt, filter });
  await em.flush();
  return mailing;
}

async function findMailing(em: Em, id: string): Promise<Mailing> {
  const mailing = isMailingId(id) ? await em.findOne(Mailing, { id }) : null;
  if (!mailing) throw new DomainError('not_found', 'No such mailing');
  return mailing;
}

const notStarted = (m: Mailing) => m.status === 'scheduled' && m.materializedAt === null;
const alreadyStarted = () => new DomainError('mailing_started', 'The mailing has started; it can only be cancelled');

export async function updateMailing(
  em: Em,
  actor: User | null,
  id: string,
  patch: MailingPatch,
  now = new Date(),
): Promise<Mailing> {
  const mailing = await findMailing(em, id);
  if (!notStarted(mailing)) throw alreadyStarted();
  let changed: string[];
  try {
    changed = await applyPatch(em, mailing, patch, now);
  } catch (err) {
    // The entity was changed in memory only: back to what is stored, so nothing later in this
    // context (a card, a flush) sees or writes a refused change.
    await em.refresh(mailing);
    throw err;
  }
  audit(em, actor, 'mailing.update', { type: 'mailing', id: mailing.id }, { changed });
  await em.flush();
  return mailing;
}

/** Validates a patch onto the mailing and writes it only while it has not started; returns the fields changed. */
async function applyPatch(em: Em, mailing: Mailing, patch: MailingPatch, now: Date): Promise<string[]> {
  const changed: string[] = [];
  if (patch.text !== undefined || patch.media !== undefined || patch.buttons !== undefined) {
    // A new text without entities is HTML (the API); media and buttons kept unless given.
    const content = validateContent({
      text: patch.text ?? mailing.text,
      entities: patch.text !== undefined ? (patch.entities ?? null) : (mailing.entities ?? null),
      media: patch.media !== undefined ? patch.media : (mailing.media ?? null),
      buttons: patch.buttons !== undefined ? patch.buttons : (mailing.buttons ?? null),
    });
    Object.assign(mailing, content);
    for (const field of ['text', 'media', 'buttons'] as const) if (patch[field] !== undefined) changed.push(field);
  }
  if (patch.filter !== undefined) {
    mailing.filter = normalizeFilter(patch.filter);
    changed.push('filter');
  }
  if (patch.startAt !== undefined) {
    mailing.startAt = patch.startAt ? validDate(patch.startAt, 'startAt') : now;
    changed.push('startAt');
  }
  if (patch.endAt !== undefined) {
    mailing.endAt = validDate(patch.endAt, 'endAt');
    changed.push('endAt');
  }
  if (patch.window !== undefined) {
    const window = parseWindow(patch.window);
    mailing.windowFrom = window?.from ?? null;
    mailing.windowTo = window?.to ?? null;
    changed.push('window');
  }
  checkTimes(mailing.startAt, mailing.endAt, now);
  // Only while nobody has started it: the scheduler marks it running in one conditional UPDATE.
  const updated = await em.nativeUpdate(
    Mailing,
    { id: mailing.id, status: 'scheduled', materializedAt: null },
    {
      text: mailing.text,
      entities: mailing.entities ?? null,
      media: mailing.media ?? null,
      buttons: mailing.buttons ?? null,
      filter: mailing.filter,
      startAt: mailing.startAt,
      endAt: mailing.endAt,
      windowFrom: mailing.windowFrom ?? null,
      windowTo: mailing.windowTo ?? null,
      updatedAt: now,
    },
  );
  if (!updated) throw alreadyStarted();
  return changed;
}

export async function deleteMailing(em: Em, actor: User | null, id: string): Promise<void> {
  const mailing = await findMailing(em, id);
  if (!notStarted(mailing)) throw alreadyStarted();
  const deleted = await em.nativeDelete(Mailing, { id: mailing.id, status: 'scheduled', materializedAt: null });
  if (!deleted) throw alreadyStarted();
  em.getUnitOfWork().unsetIdentity(mailing);
  audit(em, actor, 'mailing.delete', { type: 'mailing', id: mailing.id }, { text: mailing.text.slice(0, 200) });
  await em.flush();
}

/**
 * Stops a mailing: nothing more is sent (each send re-checks the status right before it goes out),
 * what was still waiting becomes `expired` with the reason "cancelled".
 */
export async function cancelMailing(em: Em, actor: User | null, id: string, now = new Date()): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  if (mailing.status === 'completed' || mailing.status === 'cancelled')
    throw new DomainError('mailing_finished', `The mailing is already ${mailing.status}`);
  const updated = await execute<{ id: string }[]>(
    em,
    `update mailings set status = 'cancelled', cancelled_at = ?, updated_at = ?
     where id = ? and status in ('scheduled', 'running', 'paused') returning id`,
    [now, now, mailing.id],
  );
  if (!updated.length) throw new DomainError('mailing_finished', 'The mailing is already finished');
  await expireCancelledDeliveries(em, mailing.id, now);
  audit(em, actor, 'mailing.cancel', { type: 'mailing', id: mailing.id });
  await em.flush();
  await em.refresh(mailing);
  return getMailingView(em, mailing.id);
}

/**
 * Pauses a running mailing: from the moment this commits, every worker's last check before a
 * send (deliveries.ts `mark`) refuses its rows, which go back to `pending` untouched; sends
 * already on the wire finish. Only a running mailing can be paused.
 */
export async function pauseMailing(em: Em, actor: User | null, id: string, now = new Date()): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  const updated = await em
    .getConnection()
    .execute<{ id: string }[]>(
      `update mailings set status = 'paused', paused_at = ?, updated_at = ? where id = ? and status = 'running' returning id`,
      [now, now, mailing.id],
    );
  if (!updated.length) {
    await em.refresh(mailing);
    throw new DomainError(
      'mailing_not_running',
      `The mailing is ${mailing.status}; only a running mailing can be paused`,
      {
        status: mailing.status,
      },
    );
  }
  audit(em, actor, 'mailing.pause', { type: 'mailing', id: mailing.id });
  await em.flush();
  await em.refresh(mailing);
  return getMailingView(em, mailing.id);
}

/** Resumes a paused mailing where it stopped: its pending rows, in the same order, before its end. */
export async function resumeMailing(em: Em, actor: User | null, id: string, now = new Date()): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  const updated = await execute<{ id: string }[]>(
    em,
    `update mailings set status = 'running', paused_at = null, updated_at = ?
     where id = ? and status = 'paused' and end_at > ? returning id`,
    [now, mailing.id, now],
  );
  if (!updated.length) {
    await em.refresh(mailing);
    if (mailing.status === 'paused')
      throw new DomainError('mailing_finished', 'The end time of the mailing has passed', { status: mailing.status });
    throw new DomainError(
      'mailing_not_paused',
      `The mailing is ${mailing.status}; only a paused mailing can be resumed`,
      {
        status: mailing.status,
      },
    );
  }
  audit(em, actor, 'mailing.resume', { type: 'mailing', id: mailing.id });
  await em.flush();
  await em.refresh(mailing);
  return getMailingView(em, mailing.id);
}

/** The content of a mailing as the sender builds it (content.ts `mailingCall`). */
export const contentOf = (m: Pick<MailingView, 'text' | 'entities' | 'media' | 'buttons'>): MailingContent => ({
  text: m.text,
  entities: m.entities ?? null,
  media: m.media ?? null,
  buttons: m.buttons ?? null,
});

const zeroCounts = (): DeliveryCounts =>
  Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as unknown as DeliveryCounts;

/** Counts per status of the given mailings (one grouped query). */
export async function deliveryCounts(em: Em, ids: readonly string[]): Promise<Map<string, DeliveryCounts>> {
  return (await deliveryTotals(em, ids)).counts;
}

/** Counts per status and unsubscribes of the given mailings (one grouped query). */
async function deliveryTotals(
  em: Em,
  ids: readonly string[],
): Promise<{ counts: Map<string, DeliveryCounts>; unsubscribes: Map<string, number> }> {
  const counts = new Map<string, DeliveryCounts>(ids.map((id) => [id, zeroCounts()]));
  const unsubscribes = new Map<string, number>(ids.map((id) => [id, 0]));
  if (!ids.length) return { counts, unsubscribes };
  const rows = await execute<{ mailing_id: string; status: DeliveryStatus; n: string; u: string }[]>(
    em,
    `select mailing_id::text as mailing_id, status, count(*) as n, count(unsubscribed_at) as u from deliveries
       where mailing_id = any(array(select (jsonb_array_elements_text(?::jsonb))::bigint)) group by mailing_id, status`,
    [JSON.stringify(ids)],
  );
  for (const row of rows) {
    const id = String(row.mailing_id);
    const c = counts.get(id);
    if (c) c[row.status] = Number(row.n);
    unsubscribes.set(id, (unsubscribes.get(id) ?? 0) + Number(row.u));
  }
  return { counts, unsubscribes };
}

export function toMailingView(m: Mailing, counts: DeliveryCounts = zeroCounts(), unsubscribes = 0): MailingView {
  return {
    id: m.id,
    text: m.text,
    entities: m.entities ?? null,
    media: m.media ?? null,
    buttons: m.buttons ?? null,
    filter: m.filter ?? {},
    startAt: m.startAt,
    endAt: m.endAt,
    window:
      m.windowFrom !== null && m.windowFrom !== undefined && m.windowTo !== null && m.windowTo !== undefined
        ? { from: formatMinutes(m.windowFrom), to: formatMinutes(m.windowTo) }
        : null,
    status: m.status,
    recipientCount: m.recipientCount,
    counts,
    unsubscribes,
    createdAt: m.createdAt,
    pausedAt: m.pausedAt ?? null,
    completedAt: m.completedAt ?? null,
    cancelledAt: m.cancelledAt ?? null,
  };
}

export async function getMailingView(em: Em, id: string): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  const totals = await deliveryTotals(em, [mailing.id]);
  return toMailingView(mailing, totals.counts.get(mailing.id), totals.unsubscribes.get(mailing.id));
}

/** Newest first, a page at a time (`cursor` = the last id of the previous page). */
export async function listMailings(
  em: Em,
  options: { limit: number; cursor?: string | undefined; status?: MailingStatus | undefined },
): Promise<{ items: MailingView[]; nextCursor: string | null }> {
  const where: Record<string, unknown> = {};
  if (options.cursor) where.id = { $lt: options.cursor };
  if (options.status) where.status = options.status;
  const rows = await em.find(Mailing, where, { orderBy: { id: 'desc' }, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  const totals = await deliveryTotals(
    em,
    page.map((m) => m.id),
  );
  return {
    items: page.map((m) => toMailingView(m, totals.counts.get(m.id), totals.unsubscribes.get(m.id))),
    nextCursor: rows.length > options.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

export interface MailingStats {
  mailings: Record<MailingStatus, number>;
  deliveries: DeliveryCounts;
  items: Array<{ id: string; status: MailingStatus; startAt: Date; recipientCount: number; counts: DeliveryCounts }>;
}

/** Every mailing with its counts per status, and the totals (two grouped queries). */
export async function mailingStats(em: Em): Promise<MailingStats> {
  const mailings = await em.find(
    Mailing,
    {},
    { orderBy: { id: 'desc' }, fields: ['id', 'status', 'startAt', 'recipientCount'] },
  );
  const counts = await deliveryCounts(
    em,
    mailings.map((m) => m.id),
  );
  const totals = zeroCounts();
  const byStatus: Record<MailingStatus, number> = {
    scheduled: 0,
    running: 0,
    paused: 0,
    completed: 0,
    cancelled: 0,
  };
  const items = mailings.map((m) => {
    const c = counts.get(m.id) ?? zeroCounts();
    for (const s of DELIVERY_STATUSES) totals[s] += c[s];
    byStatus[m.status as MailingStatus]++;
    return { id: m.id, status: m.status, startAt: m.startAt, recipientCount: m.recipientCount, counts: c };
  });
  return { mailings: byStatus, deliveries: totals, items };
}

export interface DeliveryView {
  id: string;
  userId: string;
  chatId: number;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  sentAt: Date | null;
  telegramMessageId: number | null;
  updatedAt: Date;
}

/** Per-recipient detail of a mailing, by id, optionally of one status. */
export async function listDeliveries(
  em: Em,
  mailingId: string,
  options: { status?: DeliveryStatus | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  const mailing = await findMailing(em, mailingId);
  const where: Record<string, unknown> = { mailing: mailing.id };
  if (options.status) where.status = options.status;
  if (options.cursor) where.id = { $gt: options.cursor };
  const rows = await em.find(Delivery, where, { orderBy: { id: 'asc' }, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((d) => ({
      id: d.id,
      userId: typeof d.user === 'object' ? d.user.id : String(d.user),
      chatId: d.chatId,
      status: d.status,
      attempts: d.attempts,
      error: d.error ?? null,
      sentAt: d.sentAt ?? null,
      telegramMessageId: d.telegramMessageId ?? null,
      updatedAt: d.updatedAt,
    })),
    nextCursor: rows.length > options.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** Page `page` (from 1) of all mailings, newest first, for the bot's list; out-of-range pages are clamped. */
export async function listMailingsPage(
  em: Em,
  page: number,
  size: number,
): Promise<{ items: MailingView[]; page: number; pages: number; total: number }> {
  const total = await em.count(Mailing, {});
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, Number.isFinite(page) ? Math.trunc(page) : 1), pages);
  const rows = await em.find(Mailing, {}, { orderBy: { id: 'desc' }, limit: size, offset: (current - 1) * size });
  const totals = await deliveryTotals(
    em,
    rows.map((m) => m.id),
  );
  return {
    items: rows.map((m) => toMailingView(m, totals.counts.get(m.id), totals.unsubscribes.get(m.id))),
    page: current,
    pages,
    total,
  };
}
