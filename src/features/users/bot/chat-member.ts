import { BotComposer } from '../../../platform/bot/composer.js';
import { setBotBlocked } from '../users.js';

/** Keeps the "blocked the bot" flag current: mailings skip users who blocked us. */
export function chatMemberFeature() {
  const composer = new BotComposer();
  composer.on('my_chat_member', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    await setBotBlocked(ctx.em, ctx.myChatMember.from.id, status === 'kicked');
  });
  return composer;
}
