import type { BotContext, BotConversation } from '../../../platform/bot/context.js';
import { ASK, closeDialog } from '../../../platform/bot/ui/ask.js';
import { commandName } from '../../../platform/bot/ui/commands.js';
import { updateProfile } from '../profile.js';
import {
  readTimezone,
  showFirstStartAnswered,
  startSetNotice,
  TIMEZONE_CONVERSATION,
  timezoneHint,
} from './timezone.js';

/**
 * First start (SPEC §2.1): the question /start sends ("tap your city, share your location, or
 * type it") takes a typed zone right there, read as ✏️ Other… reads it (readTimezone). /start
 * opens this dialog on the question's message (`question`; its time zone menu stays pressable):
 *
 * - a text that is a zone saves it, and the question's message says so (the main menu is below);
 *   `/skip` keeps UTC, as ⏭ Skip does;
 * - any other text goes on to the rest of the bot (a link token, say), and if nothing takes it,
 *   the fallback answers with the hint ✏️ Other… gives (reaskFirstStart), with ✖️ Cancel (back
 *   to the question, which then offers ✏️ Other… for typing);
 * - a button (the question's presets, Skip, location, Other…, or the main menu below), a command,
 *   a message of another kind, a reply to another message (a PM) end the dialog and do what they
 *   say.
 *
 * Conversations are replayed on every update: the session and the database are touched only in
 * `conversation.external`. The dialog's state (`session.dialog`, for /cancel and ✖️ Cancel) is
 * kept in the session, where the fallback adds its re-asks.
 */
export async function firstStartTimezone(conversation: BotConversation, question: number): Promise<void> {
  await conversation.external(async (outer) => {
    const session = await outer.session;
    session.dialog = { back: { screen: 'timezoneStart' }, messageId: question, others: [] };
    session.firstStartQuestion = question;
  });
  for (;;) {
    const ctx = await conversation.wait();
    // Neither a message nor a press (an edited message…): not for this dialog.
    if (!ctx.message && !ctx.callbackQuery) await conversation.skip({ next: true });
    const text = ctx.message?.text;
    const repliedTo = ctx.message?.reply_to_message?.message_id;
    const answering =
      text !== undefined &&
      (repliedTo === undefined ||
        repliedTo === question ||
        (await conversation.external(async (outer) => (await outer.session).dialog?.others.includes(repliedTo))));
    if (!answering) {
      // The user moved on: the re-asks lose their ✖️ Cancel (the question keeps its buttons).
      await conversation.external(async (outer) => {
        const session = await outer.session;
        if (session.dialog?.messageId === question) await closeDialog(outer, question);
        session.firstStartQuestion = undefined;
      });
      await conversation.halt({ next: true });
    }
    const typed = (text as string).trim();
    const skip = typed.startsWith('/') && commandName(typed) === 'skip';
    const zone = skip ? null : readTimezone(typed);
    // Not a zone: the rest of the bot may know the text; if not, the fallback re-asks.
    if (!skip && !zone) await conversation.skip({ next: true });
    await conversation.external(async (outer) => {
      if (zone) await updateProfile(outer.em, outer.user, { timezone: zone });
      const how = await closeDialog(outer);
      (await outer.session).firstStartQuestion = undefined;
      await showFirstStartAnswered(outer, zone ? startSetNotice(outer, zone) : outer.t('timezone-skipped'), how);
    });
    return;
  }
}

/**
 * A text nothing in the bot took while the first-start question is open (firstStartTimezone
 * passed it on): answered with the hint ✏️ Other… gives, under ✖️ Cancel, as a re-ask of the
 * dialog (it loses its button when the dialog ends). False when no such question is open.
 */
export async function reaskFirstStart(ctx: BotContext): Promise<boolean> {
  const text = ctx.message?.text;
  if (text === undefined || !ctx.chat) return false;
  const session = await ctx.session;
  const question = session.firstStartQuestion;
  const dialog = session.dialog;
  if (question === undefined || dialog?.messageId !== question) return false;
  if (ctx.conversation.active(TIMEZONE_CONVERSATION) === 0) return false;
  const hint = timezoneHint(ctx.t, text.trim());
  const reply_markup = { inline_keyboard: [[{ text: ctx.t('dialog-cancel'), callback_data: ASK.cancel }]] };
  const sent = await ctx.reply(hint, { reply_markup });
  dialog.others.push(sent.message_id);
  return true;
}
