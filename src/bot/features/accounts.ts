import { Composer } from 'grammy';
import { attachToken, looksLikeToken } from '../../domain/accounts/linking.js';
import { decideRegistration } from '../../domain/accounts/registration.js';
import { DomainError } from '../../domain/errors.js';
import { showOutcome } from '../../jobs/notifications.js';
import type { BotContext } from '../context.js';
import { REGISTRATION_CALLBACK } from '../keyboards/registration.js';
import { answerCallback } from '../ui/answer.js';

/**
 * The Telegram side of HTTP accounts: Confirm / Decline of a registration (SPEC §3.1) and
 * attaching a link token, sent as bare text or through `/start link_<token>` (SPEC §3.3).
 */
export function accountsFeature() {
  const composer = new Composer<BotContext>();

  composer.callbackQuery(REGISTRATION_CALLBACK, async (ctx) => {
    const [, registrationId = '', answer] = ctx.match;
    try {
      const outcome = await decideRegistration(
        ctx.em,
        registrationId,
        answer === 'yes' ? 'confirm' : 'decline',
        ctx.from.id,
      );
      await answerCallback(ctx);
      // The message shows the outcome, whether decided now or earlier (a second press, or after expiry).
      await showOutcome(
        { telegram: ctx.api, translator: ctx.deps.translator, log: ctx.log },
        { ...outcome, messageId: ctx.callbackQuery.message?.message_id ?? outcome.messageId },
      );
    } catch (err) {
      // Someone else's (or a forged) registration id: the same answer as a missing one, nothing changes.
      if (err instanceof DomainError && err.code === 'not_found') {
        await answerCallback(ctx, ctx.t('registration-not-found'));
        return;
      }
      throw err;
    }
  });

  composer.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith('link_')) return next();
    await replyToToken(ctx, payload.slice('link_'.length));
  });

  composer.on('message:text', async (ctx, next) => {
    if (!looksLikeToken(ctx.message.text)) return next();
    await replyToToken(ctx, ctx.message.text);
  });

  return composer;
}

async function replyToToken(ctx: BotContext, text: string): Promise<void> {
  const result = await attachToken(ctx.em, ctx.user, text);
  switch (result.outcome) {
    case 'attached': {
      // From now on this Telegram user is the account's user.
      ctx.user = result.account;
      await ctx.reply(
        `${ctx.t('link-attached', { token: result.token })}\n${ctx.t('link-attached-account', { username: result.account.username ?? '' })}`,
      );
      return;
    }
    case 'already_attached':
      await ctx.reply(
        result.token
          ? ctx.t('link-already-attached', { token: result.token })
          : ctx.t('link-already-linked', { username: result.username }),
      );
      return;
    case 'invalid_format':
      await ctx.reply(ctx.t('link-invalid-format'));
      return;
    case 'no_such_token':
      await ctx.reply(ctx.t('link-no-such-token'));
      return;
    case 'in_use':
      await ctx.reply(ctx.t('link-in-use'));
      return;
  }
}
