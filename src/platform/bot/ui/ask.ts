import type { Filter } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Translate } from '../../i18n/translator.js';
import type { BotContext, BotConversation, ConvContext } from '../context.js';
import { commandName } from './commands.js';
import { type ScreenHow, showInMessage, visiblePressedMessage } from './screen.js';

type TextContext = Filter<ConvContext, 'message:text'>;

// ---------------------------------------------------------------------------------------------
// Dialogs with inline Cancel and Skip (SPEC §2.1)

/** Callback data of dialog-owned buttons (pickers) start with this; a stale one is only answered. */
export const DIALOG_PREFIX = 'dlg:';

/** Payloads of the dialog buttons: Cancel (handled by /cancel's handler), Skip, Clear. */
export const ASK = { cancel: 'ask:c', skip: 'ask:s', clear: 'ask:x' } as const;

/**
 * The screen a dialog returns to when it is left: a name the composition resolves (the home
 * feature's /cancel handler) and its argument, e.g. `{ screen: 'task', id }`.
 */
export interface DialogBack {
  screen: string;
  id?: string;
}

/** What /cancel and the Cancel button need to know about the open dialog (UI state, in the session). */
export interface DialogState {
  back: DialogBack;
  /** The message showing the current step; leaving the dialog turns it back into the screen. */
  messageId?: number;
  /** Earlier prompts that still carry buttons; they lose them when the dialog ends. */
  others: number[];
  /**
   * Hints sent below the question after a wrong answer ("❌ … has already passed"): deleted when
   * the dialog ends, so its last word is its outcome (shown in the question's message above), not
   * an error already put right.
   */
  reasks?: number[];
}

declare module '../context.js' {
  interface SessionData {
    /** The dialog in progress, for /cancel and the Cancel button (see ui/ask.ts). */
    dialog?: DialogState;
  }
}

/** Labels of the dialog buttons, and what a message that is not text is told, in the user's language. */
export interface DialogLabels {
  cancel: string;
  skip: string;
  /** Put above the question again when the answer was a sticker, a photo… (`dialog-not-text`). */
  notText: string;
}

/** The dialog labels of the platform's own messages (dialog-*), in the language of `t`. */
export const dialogLabels = (t: Translate): DialogLabels => ({
  cancel: t('dialog-cancel'),
  skip: t('dialog-skip'),
  notText: t('dialog-not-text'),
});

/** The buttons of one prompt: its own rows (e.g. quick picks), then Skip / Clear, then Cancel. */
export interface PromptButtons {
  rows?: InlineKeyboardButton[][];
  /** Offer ⏭ Skip (an optional step); `/skip` works too. */
  skip?: boolean;
  /** Offer a clear button with this label (remove the current value); `/clear` works too. */
  clear?: string;
}

export type Answer =
  | { kind: 'text'; text: string; ctx: TextContext }
  | { kind: 'skip' }
  | { kind: 'clear' }
  | { kind: 'button'; data: string }
  /** A message that is not text (a photo, a sticker…), when the step takes those (`message`). */
  | { kind: 'message'; ctx: ConvContext };

/** "/skip" → "skip"; null for anything that is not a command. */
const commandOf = (text: string) => (text.trim().startsWith('/') ? (commandName(text.trim()) ?? null) : null);

/** Removes the inline keyboard of messages that no longer ask anything (errors ignored: best effort). */
export async function stripButtons(ctx: BotContext, messageIds: readonly number[]): Promise<void> {
  if (!ctx.chat) return;
  for (const id of new Set(messageIds)) {
    await ctx.api.editMessageReplyMarkup(ctx.chat.id, id, { reply_markup: { inline_keyboard: [] } }).catch(() => {});
  }
}

/**
 * Leaves the dialog's bookkeeping: forgets it in the session, strips the buttons of its other
 * prompts, and says where the screen goes (the message to edit, or a new one).
 */
export async function closeDialog(ctx: BotContext, pressed?: number): Promise<ScreenHow> {
  const session = await ctx.session;
  const state = session.dialog;
  session.dialog = undefined;
  if (!state) return pressed ? { messageId: pressed } : 'reply';
  const target = pressed ?? state.messageId;
  await stripButtons(
    ctx,
    [state.messageId, ...state.others].filter((id): id is number => id !== undefined && id !== target),
  );
  const chatId = ctx.chat?.id;
  for (const id of state.reasks ?? []) {
    // Best effort, as stripping: a hint the user deleted already is gone either way.
    if (id !== target && chatId !== undefined) await ctx.api.deleteMessage(chatId, id).catch(() => {});
  }
  return target ? { messageId: target } : 'reply';
}

/**
 * One dialog's steps, replay-safe (everything it learns comes from updates and logged API
 * calls; the session is written through `conversation.external`):
 *
 * - `prompt` shows a question with its buttons and ✖️ Cancel. The first prompt takes over the
 *   message the dialog was started from (the card whose ✏️ was pressed), a prompt after a
 *   button press edits that message, and a prompt after typed text comes as a new message.
 * - `ask` waits for the answer: text, ⏭ Skip / `/skip`, Clear / `/clear`, or one of the
 *   prompt's own buttons. ✖️ Cancel and `/cancel` never reach it: the /cancel handler runs
 *   before dialogs, leaves it and shows `back`. Another button ends the dialog and does what it says.
 * - `finish` shows the result screen in the dialog's message (the one whose button was pressed,
 *   or the current step's), so an edit updates the card it came from instead of posting a copy.
 */
export class Dialog {
  private readonly state: DialogState;
  /** The latest update of the dialog (its API calls are logged and replayed). */
  private current: ConvContext;
  /** A pressed button not answered yet, and the message it belongs to. */
  private pressed?: { ctx: ConvContext; messageId?: number };
  private started = false;
  /** The step's question (not a re-ask) and its buttons: asked again after an answer that is not text. */
  private question?: { text: string; buttons: PromptButtons };

  private constructor(
    private readonly conversation: BotConversation,
    ctx: ConvContext,
    private readonly labels: DialogLabels,
    back: DialogBack,
    below: boolean,
  ) {
    this.current = ctx;
    this.state = { back, messageId: below ? undefined : ctx.callbackQuery?.message?.message_id, others: [] };
  }

  /**
   * Starts a dialog from the entering update; `back` is where Cancel returns. `below`: the first
   * question comes as a new message instead of taking over the message whose button was pressed
   * (a private message's ↩️ Reply: the message replied to stays as it is).
   */
  static async open(
    conversation: BotConversation,
    ctx: ConvContext,
    labels: DialogLabels,
    back: DialogBack,
    { below = false }: { below?: boolean } = {},
  ): Promise<Dialog> {
    const dialog = new Dialog(conversation, ctx, labels, back, below);
    await dialog.save();
    return dialog;
  }

  private save(): Promise<void> {
    const snapshot: DialogState = {
      ...this.state,
      others: [...this.state.others],
      ...(this.state.reasks ? { reasks: [...this.state.reasks] } : {}),
    };
    return this.conversation.external(async (outer) => {
      (await outer.session).dialog = snapshot;
    });
  }

  keyboard(buttons: PromptButtons = {}): { inline_keyboard: InlineKeyboardButton[][] } {
    const rows = [...(buttons.rows ?? [])];
    const extra: InlineKeyboardButton[] = [];
    if (buttons.skip) extra.push({ text: this.labels.skip, callback_data: ASK.skip });
    if (buttons.clear) extra.push({ text: buttons.clear, callback_data: ASK.clear });
    if (extra.length) rows.push(extra);
    rows.push([{ text: this.labels.cancel, callback_data: ASK.cancel }]);
    return { inline_keyboard: rows };
  }

  /**
   * Shows a question. `again`: a re-ask of the same step after a bad answer (the step's message
   * stays the one the result will replace).
   */
  async prompt(text: string, buttons: PromptButtons = {}, again = false): Promise<void> {
    if (!again) this.question = { text, buttons };
    const reply_markup = this.keyboard(buttons);
    const pressed = this.pressed;
    this.pressed = undefined;
    // The press is answered while the question is shown: over Telegram the new prompt then waits
    // for one round trip, not two (as a menu's screen, see showScreen).
    const answered = pressed ? answerPress(pressed.ctx) : undefined;
    // Edit in place: the message whose button was just pressed, or the one the dialog started from.
    const target = pressed ? pressed.messageId : this.started ? undefined : this.state.messageId;
    this.started = true;
    try {
      await this.show(text, reply_markup, target, again);
    } finally {
      await answered;
    }
  }

  /** Puts the question in `target` (edited), or below as a new message when there is none or it is gone. */
  private async show(
    text: string,
    reply_markup: { inline_keyboard: InlineKeyboardButton[][] },
    target: number | undefined,
    again: boolean,
  ): Promise<void> {
    const chatId = this.current.chat?.id;
    const shownIn =
      chatId === undefined
        ? (await this.current.reply(text, { reply_markup })).message_id
        : await showInMessage(this.current.api, chatId, target, text, { reply_markup });
    if (shownIn === target) {
      if (target !== this.state.messageId) {
        if (this.state.messageId !== undefined && !again) this.state.others.push(this.state.messageId);
        if (again) this.state.others.push(target);
        else this.state.messageId = target;
      }
    } else if (again && this.state.messageId !== undefined) this.state.reasks = [...(this.state.reasks ?? []), shownIn];
    else {
      if (this.state.messageId !== undefined) this.state.others.push(this.state.messageId);
      this.state.messageId = shownIn;
    }
    await this.save();
  }

  /**
   * The answer to the last prompt. `buttons` accepts the prompt's own callback data. A message
   * that is not text (a sticker, a photo) is asked the question again, with its buttons, under
   * `again` or "please send text" (unless `message` takes those as answers).
   */
  async ask(options: {
    skip?: boolean;
    clear?: boolean;
    buttons?: (data: string) => boolean;
    /** A message that is not text is an answer too (else it is asked again). */
    message?: boolean;
    again?: string;
    /** What a press of an older step's button (or an inert one) is answered with, by its data. */
    toast?: string | ((data: string) => string | undefined);
  }): Promise<Answer> {
    for (;;) {
      const next = await this.conversation.wait();
      this.current = next;
      const data = next.callbackQuery?.data;
      if (next.callbackQuery) {
        // A button of a message the bot can no longer see (an InaccessibleMessage, date 0): the
        // next question goes below instead of into it.
        const messageId = visiblePressedMessage(next)?.message_id;
        const take = () => {
          this.pressed = { ctx: next, messageId };
        };
        if (data === ASK.skip && options.skip) {
          take();
          return { kind: 'skip' };
        }
        if (data === ASK.clear && options.clear) {
          take();
          return { kind: 'clear' };
        }
        if (data !== undefined && options.buttons?.(data)) {
          take();
          return { kind: 'button', data };
        }
        if (data?.startsWith('ask:') || data?.startsWith(DIALOG_PREFIX)) {
          // A Skip where this step has none, or a picker button of an older prompt.
          await answerPress(next, typeof options.toast === 'function' ? options.toast(data) : options.toast);
          continue;
        }
        // Any other button: the user moved on; it does what it says.
        await this.conversation.halt({ next: true });
      }
      const text = next.message?.text;
      if (text !== undefined) {
        const cmd = commandOf(text);
        if (cmd === 'skip' && options.skip) return { kind: 'skip' };
        if (cmd === 'clear' && options.clear) return { kind: 'clear' };
        return { kind: 'text', text, ctx: next as TextContext };
      }
      if (next.message && options.message) return { kind: 'message', ctx: next };
      if (next.message) {
        const question = this.question ?? { text: '', buttons: {} };
        const lead = options.again ?? this.labels.notText;
        await this.prompt(lead ? `${lead}\n\n${question.text}`.trim() : question.text, question.buttons, true);
      }
    }
  }

  /**
   * Ends the dialog: `render` shows the result with the outside context, `how` being the
   * dialog's message (the pressed one, or the current step's), and the other prompts lose their
   * buttons. Runs once (conversation.external); returns what `render` returns.
   */
  finish<T>(render: (outer: BotContext, how: ScreenHow) => Promise<T>): Promise<T> {
    const pressed = this.pressed?.messageId;
    this.pressed = undefined;
    return this.conversation.external(async (outer) => {
      const how = await closeDialog(outer, pressed);
      return render(outer, how);
    });
  }
}

/**
 * Answers a button pressed inside a dialog (stops its spinner, with an optional toast). The
 * dialog goes on whatever the answer's fate: a query too old to answer is expected after an
 * outage, and any other failure only leaves a spinner turning — not a reason to end the dialog
 * with an apology. Not logged: this code runs again on every replay of the conversation.
 */
function answerPress(ctx: ConvContext, text?: string): Promise<void> {
  return ctx.answerCallbackQuery(text ? { text } : undefined).then(
    () => undefined,
    () => undefined,
  );
}
