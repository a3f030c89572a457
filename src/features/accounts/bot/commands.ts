import { BotComposer } from '../../../platform/bot/composer.js';
import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { inPressedMessage, type Screen, showScreen, withNotice } from '../../../platform/bot/ui/screen.js';
import { DomainError } from '../../../platform/errors.js';
import { localTime } from '../../../platform/time/timezone.js';
import { isRoomMember, joinRoom, leaveRoom } from '../../chat/index.js';
import { confirmationRequest, showOutcome } from '../jobs/notifications.js';
import {
  type AttachResult,
  attachToken,
  declineLink,
  type LinkRefusal,
  type LinkRequest,
  looksLikeToken,
  previewLink,
} from '../linking.js';
import { decideRegistration, pendingConfirmation } from '../registration.js';
import { LINK_CALLBACK, linkKeyboard, REGISTRATION_CALLBACK } from './keyboards.js';

/**
 * What this feature shows of the rest of the bot, handed in by the composition root (src/bot.ts):
 * home imports this feature (Settings → Unlink), so this one cannot import home.
 */
export interface AccountsUi {
  /** The main menu: an answered consent screen becomes it, with the outcome on top. */
  main: Screen;
  /** What /start shows (home): the greeting, on first start its questions, and the main menu. */
  greet(ctx: BotContext, firstStart: boolean): Promise<void>;
}

/**
 * The Telegram side of HTTP accounts: Confirm / Decline of a registration (SPEC §3.1) and
 * attaching a link token, sent as bare text or through `/start link_<token>` and confirmed on a
 * consent screen (SPEC §3.3).
 */
export function accountsFeature(ui: AccountsUi) {
  const composer = new BotComposer();

  composer.callbackQuery(REGISTRATION_CALLBACK, async (ctx) => {
    const [, registrationId = '', answer, admin] = ctx.match;
    try {
      const outcome = await decideRegistration(
        ctx.em,
        registrationId,
        answer === 'yes' ? 'confirm' : 'decline',
        ctx.from.id,
        { adminNamed: admin === 'a' },
      );
      if (outcome.askAgain) {
        // Nothing decided: the request again, in place, now naming the admin rights confirming grants.
        await answerCallback(ctx, ctx.t('registration-consent-changed'));
        const pending = await pendingConfirmation(ctx.em, registrationId);
        if (!pending) return;
        const request = confirmationRequest(ctx.t, pending);
        return inPressedMessage(ctx, request.text, { reply_markup: request.keyboard });
      }
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
    // The link comes inside a /start, for a new user their very first. A refusal is answered and
    // /start goes on as usual; a consent screen carries whether this was the first /start, so that
    // its answer can finish it (greeting, time zone question, main menu) — else nobody would.
    const consentShown = await askToLink(ctx, payload.slice('link_'.length), ctx.userCreated);
    if (!consentShown) return next();
  });

  composer.on('message:text', async (ctx, next) => {
    if (!looksLikeToken(ctx.message.text)) return next();
    await askToLink(ctx, ctx.message.text, false);
  });

  composer.callbackQuery(LINK_CALLBACK, async (ctx) => {
    const [, token = '', answer, admin, first] = ctx.match;
    const firstStart = first === 'f';
    const result =
      answer === 'y'
        ? await attachToken(ctx.em, ctx.user, token, { adminNamed: admin === 'a' })
        : await declineLink(ctx.em, ctx.user, token);
    if (result.outcome === 'ask_again') {
      // Nothing attached: the consent screen again, now saying what Confirm hands over.
      await answerCallback(ctx, ctx.t('link-consent-changed'));
      const consent = consentScreen(ctx, result.request, firstStart);
      return inPressedMessage(ctx, consent.text, { reply_markup: consent.keyboard });
    }
    await answerCallback(ctx);
    if (result.outcome === 'attached') {
      // From now on this Telegram user is the account's user; the room membership moves with them,
      // and so does the record that they are in room mode (so an empty Redis is explained to them).
      const room = { redis: ctx.deps.redis, keyPrefix: ctx.deps.keyPrefix ?? '' };
      const inRoomSince = ctx.profile.inRoomSince;
      if (await isRoomMember(room, result.mergedUserId)) {
        await joinRoom(room, result.account.id);
        await leaveRoom(room, result.mergedUserId);
      }
      ctx.user = result.account;
      if (inRoomSince && !ctx.profile.inRoomSince) {
        ctx.user.inRoomSince = inRoomSince;
        await ctx.em.flush();
      }
    }
    await leaveConsent(ctx, ui, outcomeText(ctx, result), firstStart);
  });

  return composer;
}

/**
 * Where an answered consent screen leaves the person (either answer, or a refusal: the token
 * expired meanwhile): its message shows the outcome in place (or below, when gone), with the main
 * menu under it. When the screen came from their first /start, the outcome stands alone and that
 * /start is finished below it, as home shows it: greeting, time zone question, main menu.
 */
async function leaveConsent(ctx: BotContext, ui: AccountsUi, outcome: string, firstStart: boolean): Promise<void> {
  if (firstStart) {
    await inPressedMessage(ctx, outcome);
    await ui.greet(ctx, true);
    return;
  }
  const menuUnderOutcome = withNotice(ui.main, () => outcome);
  await showScreen(ctx, menuUnderOutcome);
}

/** Seed 000's answers, and the outcome of the consent screen. */
function outcomeText(
  ctx: BotContext,
  result: LinkRefusal | Extract<AttachResult, { outcome: 'attached' }> | { outcome: 'declined' },
): string {
  switch (result.outcome) {
    case 'attached':
      return `${ctx.t('link-attached', { token: result.token })}\n${ctx.t('link-attached-account', { username: result.account.username ?? '' })}`;
    case 'declined':
      return ctx.t('link-declined');
    case 'already_attached':
      return result.token
        ? ctx.t('link-already-attached', { token: result.token })
        : ctx.t('link-already-linked', { username: result.username });
    case 'invalid_format':
      return ctx.t('link-invalid-format');
    case 'no_such_token':
      return ctx.t('link-no-such-token');
    case 'in_use':
      return ctx.t('link-in-use');
  }
}

/**
 * A token arrived: nothing is attached yet. Linking hands this chat to whoever knows the
 * account's password, and the token may come from a stranger's link, so the person sees who is
 * asking and what they would get, and only Confirm attaches (SPEC §3.3). True when the consent
 * screen was sent; false when the token was refused (the refusal is answered).
 */
async function askToLink(ctx: BotContext, text: string, firstStart: boolean): Promise<boolean> {
  const request = await previewLink(ctx.em, ctx.user, text);
  if (request.outcome !== 'confirm') {
    await ctx.reply(outcomeText(ctx, request));
    return false;
  }
  const consent = consentScreen(ctx, request, firstStart);
  await ctx.reply(consent.text, { reply_markup: consent.keyboard });
  return true;
}

/**
 * The consent screen: who is asking, what Confirm hands over (admin rights named), and its
 * buttons (which remember whether it interrupted the first /start, see LINK_CALLBACK).
 */
function consentScreen(ctx: BotContext, request: LinkRequest, firstStart: boolean) {
  const zone = ctx.profile.timezone;
  const created = new Intl.DateTimeFormat(ctx.profile.language, { dateStyle: 'long', timeZone: zone }).format(
    request.accountCreatedAt,
  );
  const admin = request.role === 'admin';
  return {
    text: ctx.t('link-confirm-request', {
      username: request.username,
      created,
      expires: localTime(zone, request.expiresAt),
      admin: admin ? 'yes' : 'no',
    }),
    keyboard: linkKeyboard(ctx.t, request.token, { adminNamed: admin, firstStart }),
  };
}
