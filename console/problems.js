import { ApiError } from './api.js';
import { t, tCount, tStatus } from './i18n.js';

/**
 * What the API refused, said in the console's language. The API's error body carries a machine
 * code (SPEC §3: `error.code`) and, for 422 validation_failed, `details`: one `{path, message}` per
 * field, the message in English and written for any client. The console knows the codes and field
 * problems its pages can meet and says them itself; only a code it does not know shows the
 * server's own text.
 */

/** Error codes (src/platform/http/errors.ts, DOMAIN_ERROR_STATUS and the API's own) → the console's text. */
const CODES = {
  unauthorized: () => t('login.expired'),
  invalid_credentials: () => t('login.wrong'),
  pending_confirmation: () => t('login.pending'),
  user_banned: () => t('login.banned'),
  forbidden: () => t('error.forbidden'),
  not_found: () => t('common.notFound'),
  rate_limited: (err) => t('error.rateLimited', { seconds: waitOf(err) }),
  too_many_attempts: (err) => t('login.limited', { seconds: waitOf(err) }),
  payload_too_large: () => t('error.tooLarge'),
  service_unavailable: () => t('error.unavailable'),
  internal_error: () => t('error.internal'),
  validation_failed: () => t('error.invalid'),
  cannot_ban_self: () => t('error.cannotBanSelf'),
  cannot_change_own_role: () => t('error.cannotChangeOwnRole'),
  target_banned: () => t('error.targetBanned'),
  mailing_finished: () => t('error.mailingFinished'),
  mailing_not_running: (err) => t('error.mailingNotRunning', { status: statusOf(err) }),
  mailing_not_paused: (err) => t('error.mailingNotPaused', { status: statusOf(err) }),
  mailing_started: () => t('error.mailingStarted'),
  mailing_recalled: () => t('error.mailingRecalled'),
  nothing_to_recall: () => t('error.nothingToRecall'),
  recall_too_late: () => t('error.recallTooLate'),
  telegram_not_linked: () => t('error.telegramNotLinked'),
  // Telegram's own reason (its description) is data: shown as it came.
  test_send_failed: (err) => t('error.testSendFailed', { reason: err.details?.description ?? err.message }),
};

const waitOf = (err) => (Number.isFinite(err.retryAfter) ? err.retryAfter : 60);
const statusOf = (err) => (err.details?.status ? tStatus('mstatus', err.details.status) : '—');

/**
 * The one sentence for a failed call: the console's text for a code it knows, the server's text
 * (inside "Something went wrong: …") for one it does not, and "cannot reach the server" for a
 * request that never got an answer.
 */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('error.network');
  const known = CODES[err.code];
  if (known) return known(err);
  if (err.status === 404) return t('common.notFound');
  return t('common.error', { message: err.message });
}

/**
 * The field problems the console's forms can meet (the user card's PATCH, a new mailing, the
 * audience count), recognised by the field's path and the message's wording. The first rule whose
 * path and message match gives the text; a rule without `message` is that field's own fallback.
 * `text` gets the message's match, for the value or number it names.
 */
const FIELD_RULES = [
  { path: /^/, message: /^(Must not contain NUL|Contains NUL)/, text: () => t('problem.characters') },
  { path: /^tags(\.\d+)?$/, message: /^"(.*)" is not a tag.*up to (\d+)/, text: (m) => tagProblem(m[1], m[2]) },
  {
    path: /^tags$/,
    message: /^(At most (\d+) tags|Too big: expected array to have <=(\d+))/,
    text: (m) => tCount('problem.tags.tooMany', Number(m[2] ?? m[3])),
  },
  { path: /^tags/, text: () => t('problem.tags') },
  { path: /^phone$/, text: () => t('problem.phone') },
  { path: /^operatorCode$/, text: () => t('problem.operatorCode') },
  { path: /^timezone$/, text: () => t('problem.timezone') },
  { path: /^text$/, message: /^The text is empty/, text: () => t('problem.text.empty') },
  {
    path: /^text$/,
    message: /^The text is longer than (\d+)/,
    text: (m) => tCount('problem.text.tooLong', Number(m[1])),
  },
  {
    path: /^text$/,
    message: /^Unescaped "(.)" at (\d+) \(write (&\w+;)\)/,
    text: (m) => t('problem.text.unescaped', { char: m[1], at: m[2], entity: m[3] }),
  },
  {
    path: /^text$/,
    message: /^The tag <(.*)> is not supported/,
    text: (m) => t('problem.text.unsupportedTag', { tag: m[1] }),
  },
  {
    path: /^text$/,
    message: /^<(.*)> does not take "expandable"/,
    text: (m) => t('problem.text.expandable', { tag: m[1] }),
  },
  { path: /^text$/, message: /^Only <span class="tg-spoiler">/, text: () => t('problem.text.span') },
  { path: /^text$/, message: /^<a> needs an href/, text: () => t('problem.text.href') },
  { path: /^text$/, message: /^<a href> must be/, text: () => t('problem.text.linkScheme') },
  {
    path: /^text$/,
    message: /^<\/(.*)> does not close the last open tag/,
    text: (m) => t('problem.text.wrongClose', { tag: m[1] }),
  },
  { path: /^text$/, message: /^<(.*)> is not closed/, text: (m) => t('problem.text.unclosed', { tag: m[1] }) },
  { path: /^text$/, text: () => t('problem.text') },
  {
    path: /^filter\.(tags|operatorCodes|languages)/,
    message: /^"(.*)" is not a valid value/,
    text: (m, path) => t(`problem.filter.${path[1]}`, { value: m[1] }),
  },
  {
    path: /^filter\.\w+$/,
    message: /^(At most (\d+) values|Too big: expected array to have <=(\d+))/,
    text: (m) => tCount('problem.filter.tooMany', Number(m[2] ?? m[3])),
  },
  { path: /^filter\.\w+\.\d+$/, message: /^Too big/, text: () => t('problem.filter.tooLong') },
  { path: /^filter/, text: () => t('problem.filter') },
  { path: /^endAt$/, message: /^The end must be after the start/, text: () => t('problem.endAt.beforeStart') },
  { path: /^endAt$/, message: /^The end is in the past/, text: () => t('problem.endAt.past') },
  { path: /^endAt$/, text: () => t('problem.endAt') },
  { path: /^startAt$/, text: () => t('problem.startAt') },
  { path: /^window$/, message: /same time/, text: () => t('problem.window.empty') },
  { path: /^window/, text: () => t('problem.window.format') },
];

/** A tag the API refused, with the length limit it named. */
const tagProblem = (tag, max) => tCount('problem.tags.bad', Number(max), { tag });

/** The text of one `{path, message}` of a validation_failed: the console's, or the server's for a field it does not know. */
export function fieldProblemText(problem) {
  const path = String(problem?.path ?? '');
  const message = String(problem?.message ?? '');
  for (const rule of FIELD_RULES) {
    const pathMatch = rule.path.exec(path);
    if (!pathMatch) continue;
    const messageMatch = rule.message ? rule.message.exec(message) : [message];
    if (messageMatch) return rule.text(messageMatch, pathMatch);
  }
  return message;
}

/** The field problems of a 422 validation_failed as `{path, text}`; none for any other failure. */
export function fieldProblems(err) {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return err.details.map((problem) => ({ path: String(problem?.path ?? ''), text: fieldProblemText(problem) }));
}
