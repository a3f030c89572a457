import { type Api, GrammyError } from 'grammy';
import type { Message } from 'grammy/types';
import type { Em } from '../../../platform/db/orm.js';
import { DomainError } from '../../../platform/errors.js';
import type { Translator } from '../../../platform/i18n/translator.js';
import type { User } from '../../users/index.js';
import { type MailingContent, mailingCall, PREVIEW_MAILING_ID } from '../content.js';
import { contentOf, getMailingView } from '../mailings.js';

/**
 * The test send (SPEC §2.5: the dialog's preview, the card's 🧪 Test, POST /mailings/{id}/test):
 * the very call the engine makes for a recipient (content.ts `mailingCall`), to one chat, with
 * the 🔕 button in that chat's language. A refusal (a media URL Telegram cannot fetch, …) comes
 * back as its description, so the admin learns it before anyone else gets the mailing.
 */
export type TestOutcome = { ok: true; messageId: number } | { ok: false; description: string };

export async function sendMailingTo(
  api: Api,
  chatId: number,
  content: MailingContent,
  unsubscribeLabel: string,
): Promise<TestOutcome> {
  // A copy for the admin, not a delivery: its 🔕 only says what it does (PREVIEW_MAILING_ID). With
  // the mailing's id, an admin trying the button unsubscribed themselves and counted on the mailing.
  const call = mailingCall(PREVIEW_MAILING_ID, content, unsubscribeLabel);
  try {
    const raw = api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<Message>>;
    const send = raw[call.method];
    if (!send) return { ok: false, description: `unknown method ${call.method}` };
    const sent = await send({ chat_id: chatId, ...call.payload });
    return { ok: true, messageId: sent.message_id };
  } catch (err) {
    if (err instanceof GrammyError) return { ok: false, description: `${err.error_code}: ${err.description}` };
    throw err;
  }
}

/**
 * Sends mailing `id` to the actor's own Telegram chat, in the actor's language. Throws
 * `telegram_not_linked` when the actor has no chat, `test_send_failed` when Telegram refuses it.
 */
export async function testMailing(
  deps: { api: Api; translator: Translator },
  em: Em,
  actor: User,
  id: string,
): Promise<{ messageId: number }> {
  const view = await getMailingView(em, id);
  if (actor.telegramId == null)
    throw new DomainError('telegram_not_linked', 'Link your Telegram account to receive a test send');
  const label = deps.translator.forLocale(actor.language)('mailing-unsubscribe');
  const outcome = await sendMailingTo(deps.api, actor.telegramId, contentOf(view), label);
  if (!outcome.ok)
    throw new DomainError('test_send_failed', `Telegram refused the mailing: ${outcome.description}`, {
      description: outcome.description,
    });
  return { messageId: outcome.messageId };
}
