import { type Em, execute } from '../../platform/db/orm.js';
import { DomainError } from '../../platform/errors.js';
import { audit } from '../audit/index.js';
import type { User } from '../users/index.js';
import { audienceSql, normalizeFilter } from './audience.js';
import { clickCounts, newClickSecret } from './clicks.js';
import { type MailingContent, validateContent } from './content.js';
import { expireCancelledDeliveries, RECALL_WINDOW_HOURS } from './deliveries.js';
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
  /** Taps on its URL buttons, once per recipient and button (clicks.ts); 0 when not counted. */
  clicks: number;
  /** The same per button, in the shape of `buttons` (null without buttons). */
  clicksByButton: number[][] | null;
  /** When the newest message of it was sent (null: none yet); a recall is possible for 48 h after. */
  lastSentAt: Date | null;
  recall: RecallView | null;
  createdAt: Date;
  pausedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
}

/** A recall's progress: requested, done, and the messages Telegram would not delete. */
export interface RecallView {
  requestedAt: Date;
  completedAt: Date | null;
  /** Sent messages that could not be deleted (their reason is on the delivery). */
  failed: number;
  /** The commonest reasons of those failures, most frequent first (the single mailing's view only). */
  reasons: Array<{ reason: string; count: number }>;
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
  const rows = await execute<{ n: string }[]>(em, `select count(*) as n from users u where ${where}`, params);
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
    clickSecret: newClickSecret(),
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
  const updated = await execute<{ id: string }[]>(
    em,
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

/**
 * Recall (SPEC §2.5): the workers delete the mailing's sent messages at the mailing rate (jobs/
 * recall.ts), each delivery ending `recalled` or keeping `sent` with the reason Telegram gave.
 * Possible while its newest message is less than 48 hours old (Telegram's limit for bots; older
 * ones are recorded as too old, not tried). A mailing still scheduled, running or paused is
 * cancelled first, in the same statement: nothing more is sent, and what was in flight is
 * recalled once it is recorded. Once per mailing. Refused, with nothing changed: nothing sent
 * (`nothing_to_recall`), too late (`recall_too_late`), already recalled (`mailing_recalled`).
 */
export async function recallMailing(em: Em, actor: User | null, id: string, now = new Date()): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  if (mailing.recallRequestedAt) throw new DomainError('mailing_recalled', 'The mailing has already been recalled');
  const conn = em.getConnection();
  const [sent] = await conn.execute<{ n: string; last: Date | string | null }[]>(
    `select count(*) as n, max(sent_at) as last from deliveries where mailing_id = ? and status = 'sent'`,
    [mailing.id],
  );
  const lastSentAt = sent?.last ? new Date(sent.last) : null;
  if (!Number(sent?.n ?? 0) || !lastSentAt)
    throw new DomainError('nothing_to_recall', 'Nothing of this mailing has been sent; there is nothing to recall');
  if (now.getTime() - lastSentAt.getTime() >= RECALL_WINDOW_HOURS * 3600_000)
    throw new DomainError(
      'recall_too_late',
      `Telegram lets a bot delete a message for ${RECALL_WINDOW_HOURS} hours; the last one of this mailing was sent earlier`,
      { lastSentAt: lastSentAt.toISOString() },
    );
  const updated = await conn.execute<{ was: string }[]>(
    `with old as (select id, status from mailings where id = ? for update)
     update mailings m set recall_requested_at = ?, updated_at = ?,
       status = case when old.status in ('scheduled', 'running', 'paused') then 'cancelled' else old.status end,
       cancelled_at = case when old.status in ('scheduled', 'running', 'paused') then ? else m.cancelled_at end
     from old where m.id = old.id and m.recall_requested_at is null
     returning old.status as was`,
    [mailing.id, now, now, now],
  );
  const was = updated[0]?.was;
  if (!was) throw new DomainError('mailing_recalled', 'The mailing has already been recalled');
  const cancelled = was === 'scheduled' || was === 'running' || was === 'paused';
  if (cancelled) await expireCancelledDeliveries(em, mailing.id, now);
  audit(em, actor, 'mailing.recall', { type: 'mailing', id: mailing.id }, { sent: Number(sent?.n), cancelled });
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
  return new Map([...(await deliveryTotals(em, ids))].map(([id, t]) => [id, t.counts]));
}

/** What a mailing's view adds to the row: counts per status, unsubscribes, clicks, recall. */
export interface MailingTotals {
  counts: DeliveryCounts;
  unsubscribes: number;
  /** Clicks by button index. */
  clicks: Map<number, number>;
  lastSentAt: Date | null;
  recallFailed: number;
}

/** The totals of the given mailings (a grouped query over deliveries, one over clicks). */
async function deliveryTotals(em: Em, ids: readonly string[]): Promise<Map<string, MailingTotals>> {
  const totals = new Map<string, MailingTotals>(
    ids.map((id) => [
      id,
      { counts: zeroCounts(), unsubscribes: 0, clicks: new Map(), lastSentAt: null, recallFailed: 0 },
    ]),
  );
  if (!ids.length) return totals;
  const rows = await execute<
    {
      mailing_id: string;
      status: DeliveryStatus;
      n: string;
      u: string;
      f: string;
      last: Date | string | null;
    }[]
  >(
    em,
    `select mailing_id::text as mailing_id, status, count(*) as n, count(unsubscribed_at) as u,
       count(recall_error) as f, max(sent_at) as last from deliveries
       where mailing_id = any(array(select (jsonb_array_elements_text(?::jsonb))::bigint)) group by mailing_id, status`,
    [JSON.stringify(ids)],
  );
  for (const row of rows) {
    const t = totals.get(String(row.mailing_id));
    if (!t) continue;
    t.counts[row.status] = Number(row.n);
    t.unsubscribes += Number(row.u);
    t.recallFailed += Number(row.f);
    if (row.status === 'sent' && row.last) t.lastSentAt = new Date(row.last);
  }
  for (const [id, clicks] of await clickCounts(em, ids)) {
    const t = totals.get(id);
    if (t) t.clicks = clicks;
  }
  return totals;
}

export function toMailingView(m: Mailing, totals?: MailingTotals): MailingView {
  const counts = totals?.counts ?? zeroCounts();
  let index = 0;
  const clicksByButton = m.buttons ? m.buttons.map((row) => row.map(() => totals?.clicks.get(index++) ?? 0)) : null;
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
    unsubscribes: totals?.unsubscribes ?? 0,
    clicks: clicksByButton ? clicksByButton.flat().reduce((a, b) => a + b, 0) : 0,
    clicksByButton,
    lastSentAt: totals?.lastSentAt ?? null,
    recall: m.recallRequestedAt
      ? {
          requestedAt: m.recallRequestedAt,
          completedAt: m.recallCompletedAt ?? null,
          failed: totals?.recallFailed ?? 0,
          reasons: [],
        }
      : null,
    createdAt: m.createdAt,
    pausedAt: m.pausedAt ?? null,
    completedAt: m.completedAt ?? null,
    cancelledAt: m.cancelledAt ?? null,
  };
}

export async function getMailingView(em: Em, id: string): Promise<MailingView> {
  const mailing = await findMailing(em, id);
  const totals = await deliveryTotals(em, [mailing.id]);
  const view = toMailingView(mailing, totals.get(mailing.id));
  if (view.recall?.failed) {
    const rows = await execute<{ reason: string; n: string }[]>(
      em,
      `select recall_error as reason, count(*) as n from deliveries where mailing_id = ? and recall_error is not null
         group by recall_error order by count(*) desc, recall_error limit 3`,
      [mailing.id],
    );
    view.recall.reasons = rows.map((r) => ({ reason: r.reason, count: Number(r.n) }));
  }
  return view;
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
    items: page.map((m) => toMailingView(m, totals.get(m.id))),
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
  recalledAt: Date | null;
  /** Why the recall could not delete this recipient's message (the status stays `sent`). */
  recallError: string | null;
  updatedAt: Date;
}

/** Per-recipient detail of a mailing, by id, optionally of one status. */
export async function listDeliveries(
  em: Em,
  mailingId: string,
  options: {
    status?: DeliveryStatus | undefined;
    /** `failed`: only the recipients whose message the recall could not delete. */
    recall?: 'failed' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  const mailing = await findMailing(em, mailingId);
  const where: Record<string, unknown> = { mailing: mailing.id };
  if (options.status) where.status = options.status;
  if (options.recall === 'failed') where.recallError = { $ne: null };
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
      recalledAt: d.recalledAt ?? null,
      recallError: d.recallError ?? null,
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
    items: rows.map((m) => toMailingView(m, totals.get(m.id))),
    page: current,
    pages,
    total,
  };
}
