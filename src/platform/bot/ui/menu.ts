import type { MiddlewareFn, NextFunction } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { BotContext } from '../context.js';

/**
 * Inline-keyboard menus: buttons with handlers, laid out per context, whose presses are routed
 * back to the handler of the button that was pressed.
 *
 * This replaces @grammyjs/menu, whose model it keeps (ranges, `dynamic`, `register`, payloads, a
 * hash of the keyboard's shape and the button's label in the callback data, so a press on a
 * keyboard that has changed since it was sent is told apart). The plugin resolved every label and
 * property through its own promise and rendered through a composer per press; on a navigation
 * update that was about a tenth of the bot's CPU and a third of what it allocated (issue 17,
 * bench/README.md). Here a layout is plain loops, awaiting only a dynamic range that is async.
 *
 * Callback data: `<menu id>/<row, hex>/<column, hex>/<payload>/h<hash>` (at most 64 bytes, which
 * the payloads are sized for; a payload cannot contain '/').
 */

type Dynamic<T> = T | ((ctx: BotContext) => T);
export type ButtonLabel = Dynamic<string> | { text: Dynamic<string>; payload?: Dynamic<string> };
export type MenuHandler = (ctx: BotContext, next: NextFunction) => unknown;

interface ActionButton {
  text: Dynamic<string>;
  payload: Dynamic<string> | undefined;
  handlers: MenuHandler[];
}
interface UrlButton {
  text: Dynamic<string>;
  url: Dynamic<string>;
}
type Builder = (ctx: BotContext, range: MenuRange) => unknown;
/** A button (added to the current row), a line break, or a range built per context. */
type Op = ActionButton | UrlButton | typeof ROW | Builder;
const ROW = Symbol('row');

/** A laid-out button: its label resolved, what it does not yet turned into callback data. */
interface Placed {
  text: string;
  action?: ActionButton;
  url?: string;
}

/** Buttons and line breaks, in order; a `dynamic` range of a menu is one of these, built per context. */
export class MenuRange {
  protected readonly ops: Op[] = [];

  /** A button that runs `handlers` when pressed; `{ text, payload }` puts the payload in `ctx.match`. */
  text(label: ButtonLabel, ...handlers: MenuHandler[]): this {
    const { text, payload } = typeof label === 'object' ? label : { text: label, payload: undefined };
    this.ops.push({ text, payload, handlers });
    return this;
  }

  /** A button that opens a link. */
  url(text: Dynamic<string>, url: Dynamic<string>): this {
    this.ops.push({ text, url });
    return this;
  }

  /** The next button starts a new row. */
  row(): this {
    this.ops.push(ROW);
    return this;
  }

  /** Appends this range's buttons to `rows` (the last row is the current one). */
  protected async place(ctx: BotContext, rows: Placed[][]): Promise<void> {
    for (const op of this.ops) {
      if (op === ROW) {
        rows.push([]);
      } else if (typeof op === 'function') {
        const range = new MenuRange();
        const built = op(ctx, range);
        if (built instanceof Promise) await built;
        await range.place(ctx, rows);
      } else {
        const text = resolve(ctx, op.text);
        const current = rows[rows.length - 1] as Placed[];
        current.push('url' in op ? { text, url: resolve(ctx, op.url) } : { text, action: op });
      }
    }
  }
}

export interface ScreenMenuOptions {
  /**
   * What a press on a button of an older keyboard of this menu does (the keyboard's shape or the
   * button's label changed since it was sent, or the button is gone): usually refresh the keyboard,
   * or act on the payload when the payload alone says what to do.
   */
  onMenuOutdated: MenuHandler;
}

/**
 * A menu: a range with an id, which renders its keyboard for any context and, installed as
 * middleware (the root menu, with every other menu registered under it), routes presses.
 */
export class ScreenMenu extends MenuRange {
  private index: Map<string, ScreenMenu>;

  constructor(
    readonly id: string,
    private readonly options: ScreenMenuOptions,
  ) {
    super();
    if (id.includes('/')) throw new Error(`A menu id cannot contain '/': ${id}`);
    this.index = new Map([[id, this]]);
  }

  /** Buttons laid out per context: `build` adds them to the range it is given. */
  dynamic(build: (ctx: BotContext, range: MenuRange) => unknown): this {
    this.ops.push(build);
    return this;
  }

  /** Makes presses on `menus` (and whatever is registered under them) routed by this menu's middleware. */
  register(menus: ScreenMenu | ScreenMenu[]): void {
    for (const menu of Array.isArray(menus) ? menus : [menus]) {
      for (const [id, known] of menu.index) {
        if (this.index.has(id)) throw new Error(`Menu '${id}' is already registered`);
        this.index.set(id, known);
        known.index = this.index;
      }
    }
  }

  /** The keyboard as Telegram takes it, for this context. */
  async keyboard(ctx: BotContext): Promise<InlineKeyboardButton[][]> {
    const rows = await this.layout(ctx);
    const shape = shapeOf(rows);
    return rows.map((row, i) =>
      row.map((button, j): InlineKeyboardButton => {
        if (!button.action) return { text: button.text, url: button.url ?? '' };
        const payload = button.action.payload === undefined ? '' : resolve(ctx, button.action.payload);
        if (payload.includes('/')) throw new Error(`Menu '${this.id}': a payload cannot contain '/': ${payload}`);
        return {
          text: button.text,
          callback_data: `${this.id}/${i.toString(16)}/${j.toString(16)}/${payload}/h${shapeHash(shape, button.text)}`,
        };
      }),
    );
  }

  middleware(): MiddlewareFn<BotContext> {
    return (ctx, next) => {
      const data = ctx.callbackQuery?.data;
      const press = data === undefined ? null : parsePress(data);
      const menu = press && this.index.get(press.id);
      if (!press || !menu) return next();
      return menu.press(ctx, press, next);
    };
  }

  private async press(ctx: BotContext, press: Press, next: NextFunction): Promise<void> {
    if (press.payload) ctx.match = press.payload;
    // Laid out again for this context (a dynamic range may read `ctx.match`): the button at the
    // pressed position must be an action with the same label in a keyboard of the same shape.
    const rows = await this.layout(ctx);
    const button = rows[press.row]?.[press.col];
    const current = button?.action && shapeHash(shapeOf(rows), button.text) === press.hash;
    await chain(current ? (button.action?.handlers ?? []) : [this.options.onMenuOutdated], 0, ctx, next);
  }

  private async layout(ctx: BotContext): Promise<Placed[][]> {
    const rows: Placed[][] = [[]];
    await this.place(ctx, rows);
    // A row break with nothing placed since (a dynamic range that placed nothing, a break at the
    // end) would be an empty row of the keyboard: an odd gap, and not what Telegram documents.
    return rows.filter((row) => row.length > 0);
  }
}

function resolve<T>(ctx: BotContext, value: Dynamic<T>): T {
  return typeof value === 'function' ? (value as (ctx: BotContext) => T)(ctx) : value;
}

interface Press {
  id: string;
  row: number;
  col: number;
  payload: string;
  hash: string;
}

/** `<id>/<row>/<col>/<payload>/h<hash>`, or null for callback data that is not a menu's. */
function parsePress(data: string): Press | null {
  const parts = data.split('/');
  if (parts.length !== 5) return null;
  const [id, row, col, payload, tail] = parts as [string, string, string, string, string];
  if (!/^[0-9a-f]+$/.test(row) || !/^[0-9a-f]+$/.test(col) || tail[0] !== 'h') return null;
  return { id, row: Number.parseInt(row, 16), col: Number.parseInt(col, 16), payload, hash: tail.slice(1) };
}

/** FNV-1a over the keyboard's shape (rows and their lengths): hashed once per keyboard, not per button. */
function shapeOf(rows: readonly Placed[][]): number {
  let hash = fnv(0x811c9dc5, rows.length);
  for (const row of rows) hash = fnv(hash, row.length);
  return hash;
}

/** The shape's hash continued over a label, in base 36: a label or layout change shows. */
function shapeHash(shape: number, label: string): string {
  let hash = shape;
  for (let i = 0; i < label.length; i++) hash = fnv(hash, label.charCodeAt(i));
  return hash.toString(36);
}

function fnv(hash: number, n: number): number {
  return Math.imul(hash ^ n, 0x01000193) >>> 0;
}

/** Runs handlers from the i-th as a middleware chain: each one's `next` is the following one, the last's is `next`. */
async function chain(handlers: readonly MenuHandler[], i: number, ctx: BotContext, next: NextFunction): Promise<void> {
  const handler = handlers[i];
  if (!handler) return next();
  await handler(ctx, () => chain(handlers, i + 1, ctx, next));
}
