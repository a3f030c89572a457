import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { editPressedMessage } from '../../../platform/bot/ui/screen.js';
import { blocks, blockUser, handleOf, type User, unblockUser } from '../../users/index.js';
import { userById } from './actions.js';
import { type PmBlockAction, type PmKeyboardState, pmReplyKeyboard } from './keyboards.js';

/**
 * Blocking a person where one meets the other in the chat: the History of a conversation
 * (screens.ts: 🚫 Block asks first, ✅ Unblock does not) and the keyboard under a PM they sent
 * (below). The rule is the users' (features/users/blocks.ts); Settings → 🚫 Blocked people lists
 * whom one blocked.
 */

/**
 * The person a block button names, or null after saying "no longer available": unknown, banned,
 * an id the presser could not reach by a handle (userById), or the presser themselves.
 */
export async function blockTarget(ctx: BotContext, id: string): Promise<User | null> {
  const other = await userById(ctx, id);
  if (other && other.id !== ctx.profile.id) return other;
  await answerCallback(ctx, ctx.t('chat-user-gone'));
  return null;
}

/**
 * Blocks (`on`) or unblocks `other` for the user in front of us and says so in a toast. A button
 * pressed after it became true elsewhere (already blocked, already unblocked) changes nothing and
 * says that instead.
 */
export async function setBlocked(ctx: BotContext, other: User, on: boolean): Promise<void> {
  const changed = on
    ? await blockUser(ctx.em, ctx.profile.id, other.id)
    : await unblockUser(ctx.em, ctx.profile.id, other.id);
  const key = on
    ? changed
      ? 'chat-blocked'
      : 'chat-block-already'
    : changed
      ? 'chat-unblocked'
      : 'chat-unblock-not-blocked';
  await answerCallback(ctx, ctx.t(key, { handle: handleOf(other) }));
}

/**
 * The block buttons under a delivered PM (keyboards.ts), which change only that message's
 * keyboard, in place; the message itself stays. 🚫 Block asks first (the keyboard becomes 🚫 Yes,
 * block / ◀️ Back, the toast says what blocking does), Yes blocks, ✅ Unblock unblocks, Back puts
 * the keyboard back. Each shows the state as it is now, so a button of an old keyboard (blocked or
 * unblocked since, elsewhere) ends in the keyboard that is true.
 */
export async function pmKeyboardAction(ctx: BotContext, action: PmBlockAction, id: string): Promise<void> {
  const other = await blockTarget(ctx, id);
  if (!other) return;
  const handle = handleOf(other);
  let state: PmKeyboardState;
  if (action === 'block-yes' || action === 'unblock') {
    await setBlocked(ctx, other, action === 'block-yes');
    state = action === 'block-yes' ? 'blocked' : 'open';
  } else if (await blocks(ctx.em, ctx.profile.id, other.id)) {
    if (action === 'block') await answerCallback(ctx, ctx.t('chat-block-already', { handle }));
    state = 'blocked';
  } else {
    if (action === 'block') await answerCallback(ctx, ctx.t('chat-block-ask', { handle }));
    state = action === 'block' ? 'ask' : 'open';
  }
  const reply_markup = pmReplyKeyboard(ctx.t, other.id, state);
  await Promise.all([answerCallback(ctx), editPressedMessage(ctx, () => ctx.editMessageReplyMarkup({ reply_markup }))]);
}
