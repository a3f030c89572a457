// The sandbox web chat: plays the Telegram app of simulated users against the real bot.
// Plain JS, no build step; every text from the bot is put into the page as text, never as markup.

const API = 'sandbox/api';
const SEEN_KEY = 'gramdesk-sandbox-seen';
const NETWORK_ERROR = 'The sandbox server does not answer: is npm start still running?';

const state = {
  users: [],
  bot: null,
  panes: [],
  /** The program run the page last heard from; another one means the server restarted. */
  epoch: undefined,
  version: -1,
  /** Each user's newest bot message ids (for unread counts). */
  recent: {},
  /** Per user: the newest bot message id shown at the bottom of a pane (read up to there). */
  seen: {},
  drafts: new Map(),
  poll: undefined,
};

// ------------------------------------------------------------------ texts

/** A pane speaks its simulated user's language, as their Telegram app would. */
const TEXTS = {
  en: {
    message: 'Message',
    send: 'Send',
    menu: 'Menu',
    commands: 'Commands',
    sendPhoto: 'Send a photo',
    shareLocation: 'Share a location',
    locationPrompt: 'Share a location: latitude, longitude',
    reply: 'reply',
    replyTo: 'Reply to this message',
    replyingTo: 'Replying to',
    cancelReply: 'Cancel the reply',
    edited: 'edited',
    photo: 'Photo',
    you: 'You',
    unread: 'Unread messages',
    newMessages: (n) => `${n} new ${n === 1 ? 'message' : 'messages'} below`,
    toBottom: 'Scroll to the newest messages',
    start: 'START',
    emptyChat: 'No messages here yet. Tap START to begin.',
    copy: 'Copy',
    copied: 'Copied to clipboard',
    ok: 'OK',
    close: 'Close',
    notInSandbox: 'Not available in the sandbox',
    chatWith: (bot) => `chat with ${bot}`,
    chatLog: (user, bot) => `Chat of ${user} with ${bot}`,
    buttons: 'Buttons',
  },
  ru: {
    message: 'Сообщение',
    send: 'Отправить',
    menu: 'Меню',
    commands: 'Команды',
    sendPhoto: 'Отправить фото',
    shareLocation: 'Отправить геопозицию',
    locationPrompt: 'Геопозиция: широта, долгота',
    reply: 'ответить',
    replyTo: 'Ответить на это сообщение',
    replyingTo: 'Ответ на',
    cancelReply: 'Отменить ответ',
    edited: 'изменено',
    photo: 'Фото',
    you: 'Вы',
    unread: 'Непрочитанные сообщения',
    newMessages: (n) => `Ниже ${n} ${plural(n, 'новое сообщение', 'новых сообщения', 'новых сообщений')}`,
    toBottom: 'К новым сообщениям',
    start: 'НАЧАТЬ',
    emptyChat: 'Здесь пока нет сообщений. Нажмите «НАЧАТЬ».',
    copy: 'Копировать',
    copied: 'Скопировано в буфер обмена',
    ok: 'OK',
    close: 'Закрыть',
    notInSandbox: 'В песочнице недоступно',
    chatWith: (bot) => `чат с ${bot}`,
    chatLog: (user, bot) => `Чат ${user} с ${bot}`,
    buttons: 'Кнопки',
  },
};

function plural(n, one, few, many) {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const textsFor = (user) => (user?.languageCode === 'ru' ? TEXTS.ru : TEXTS.en);

/** Keeps a user-supplied name from reordering the text around it (bidi isolation, for plain-text places). */
const isolate = (text) => `\u2068${text}\u2069`;

const userLabel = (u) => `${isolate(u.firstName)}${u.username ? ` @${u.username}` : ''}${u.admin ? ' (admin)' : ''}`;

// ------------------------------------------------------------------ requests

async function request(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  let res;
  try {
    res = await fetch(`${API}/${path}`, init);
  } catch {
    throw new Error(NETWORK_ERROR);
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data?.error?.message || `The sandbox answered HTTP ${res.status}`);
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

const safeUrl = (url) => (/^https?:\/\//i.test(url) ? url : undefined);

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard (an insecure origin, a denied permission): the toast still says what was meant.
  }
}

// ------------------------------------------------------------------ Telegram text

/** Entities shown as blocks: the line break next to one is the block's own edge, not an empty line. */
const BLOCKS = new Set(['blockquote', 'expandable_blockquote', 'pre']);
/** Entities inside which Telegram finds no links, mentions or commands. */
const OPAQUE = new Set(['code', 'pre', 'text_link', 'text_mention', 'url', 'email', 'mention', 'bot_command']);

/** What Telegram's apps find in any text by themselves (the Bot API sends none of these with HTML). */
const DETECTED = [
  { type: 'url', re: /\b(?:https?:\/\/|www\.)[^\s<>"«»]+/giu, trim: /[.,;:!?)\]'"»”]+$/u },
  { type: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/giu },
  { type: 'mention', re: /(?<![\w@/.])@[A-Za-z][A-Za-z0-9_]{2,31}\b/gu },
  { type: 'bot_command', re: /(?<=^|[\s(])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/gu },
];

/** Links, e-mails, @mentions and /commands found in the text where no entity already is. */
function detectEntities(text, entities) {
  const found = [];
  const crosses = (offset, end) =>
    [...entities, ...found].some((e) => {
      const eEnd = e.offset + e.length;
      const overlaps = offset < eEnd && e.offset < end;
      if (!overlaps) return false;
      const inside = offset >= e.offset && end <= eEnd;
      return !inside || OPAQUE.has(e.type);
    });
  for (const { type, re, trim } of DETECTED) {
    for (const match of text.matchAll(re)) {
      const value = trim ? match[0].replace(trim, '') : match[0];
      const offset = match.index;
      if (!value || crosses(offset, offset + value.length)) continue;
      found.push({ type, offset, length: value.length, detected: true });
    }
  }
  return found;
}

/**
 * Telegram text + entities → DOM nodes (entities nest; offsets are UTF-16 units). `actions`:
 * what tapping a /command or a piece of code does.
 */
function renderEntities(text, entities, actions) {
  const root = document.createDocumentFragment();
  const given = entities || [];
  const all = [...given, ...detectEntities(text, given)].sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(parent, from, to, list) {
    let at = from;
    let i = 0;
    while (i < list.length) {
      const e = list[i];
      const block = BLOCKS.has(e.type);
      if (e.offset > at) {
        const before = text.slice(at, e.offset);
        parent.append(block ? before.replace(/\n$/, '') : before);
      }
      const end = e.offset + e.length;
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < end) inner.push(list[j++]);
      const node = entityNode(e, text.slice(e.offset, end), actions);
      build(node, e.offset, end, inner);
      parent.append(node);
      at = Math.max(at, end);
      if (block && at < to && text[at] === '\n') at++;
      i = j;
    }
    if (at < to) parent.append(text.slice(at, to));
  }
  build(root, 0, text.length, all);
  return root;
}

function entityNode(e, value, actions) {
  switch (e.type) {
    case 'bold':
      return el('b');
    case 'italic':
      return el('i');
    case 'underline':
      return el('u');
    case 'strikethrough':
      return el('s');
    case 'code':
    case 'pre': {
      // Telegram copies monospace text on a tap.
      const node = el(e.type, { tabindex: '0', role: 'button', title: actions.texts.copy });
      const copy = () => actions.copy(value);
      node.addEventListener('click', copy);
      node.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') copy();
      });
      return node;
    }
    case 'blockquote':
      return el('blockquote');
    case 'expandable_blockquote': {
      const quote = el('blockquote', { class: 'expandable', tabindex: '0', 'aria-expanded': 'false' });
      quote.addEventListener('click', () =>
        quote.setAttribute('aria-expanded', String(quote.getAttribute('aria-expanded') !== 'true')),
      );
      return quote;
    }
    case 'spoiler': {
      const s = el('span', { class: 'spoiler', title: 'Spoiler', tabindex: '0' });
      s.addEventListener('click', () => s.classList.toggle('shown'));
      return s;
    }
    case 'text_link': {
      const href = safeUrl(e.url || '');
      return href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }) : el('span');
    }
    case 'url': {
      const href = safeUrl(value) ?? safeUrl(`https://${value}`);
      return href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }) : el('span');
    }
    case 'email':
      return el('a', { href: `mailto:${value}` });
    case 'bot_command': {
      // In a chat with a bot, tapping a command sends it.
      const link = el('a', { href: '#', class: 'command' });
      link.addEventListener('click', (ev) => {
        ev.preventDefault();
        actions.command(value.replace(/@.*$/, ''));
      });
      return link;
    }
    case 'mention':
    case 'text_mention':
    case 'hashtag':
    case 'cashtag':
      return el('span', { class: 'mention' });
    default:
      return el('span');
  }
}

// ------------------------------------------------------------------ seen (unread markers)

function loadSeen() {
  try {
    const saved = JSON.parse(localStorage.getItem(SEEN_KEY) || '{}');
    return saved.epoch === state.epoch ? saved.seen || {} : {};
  } catch {
    return {};
  }
}

function saveSeen() {
  try {
    localStorage.setItem(SEEN_KEY, JSON.stringify({ epoch: state.epoch, seen: state.seen }));
  } catch {
    // Storage off: unread marks last as long as the page.
  }
}

function markSeen(userId, messageId) {
  if (!(messageId > (state.seen[userId] ?? 0))) return;
  state.seen[userId] = messageId;
  saveSeen();
  refreshUserLabels();
}

function unreadCount(userId) {
  const seen = state.seen[userId] ?? 0;
  return (state.recent[userId] || []).filter((id) => id > seen).length;
}

// ------------------------------------------------------------------ a chat pane

class Pane {
  constructor(userId) {
    this.userId = userId;
    this.node = document.getElementById('pane-template').content.firstElementChild.cloneNode(true);
    this.q = (s) => this.node.querySelector(s);
    this.list = this.q('.messages');
    this.input = this.q('.composer-input');
    this.resetChat();
    this.fillUsers();
    this.applyTexts();
    this.q('.user-select').addEventListener('change', (e) => this.switchTo(Number(e.target.value)));
    this.q('.close-pane').addEventListener('click', () => closePane(this));
    this.q('.composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendText();
    });
    this.input.addEventListener('input', () => {
      this.fitInput();
      this.showCommands(this.input.value.startsWith('/') ? this.input.value : undefined);
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter starts a new line (as in Telegram's desktop apps).
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.sendText();
      } else if (e.key === 'Escape') {
        this.showCommands(undefined);
        this.setReply(undefined);
      }
    });
    this.q('.menu-button').addEventListener('click', () =>
      this.showCommands(this.q('.commands').hidden ? '/' : undefined),
    );
    this.q('.attach').addEventListener('click', () => this.q('.photo-input').click());
    this.q('.photo-input').addEventListener('change', (e) => this.sendPhoto(e.target.files?.[0]));
    this.q('.location').addEventListener('click', () => this.shareLocation());
    this.q('.cancel-reply').addEventListener('click', () => this.setReply(undefined));
    this.q('.jump').addEventListener('click', () => this.scrollToBottom());
    this.list.addEventListener('scroll', () => this.onScroll());
    // The list shrinks when a reply keyboard, the reply bar or a longer draft appears: the newest
    // message stays in sight if it was.
    new ResizeObserver(() => {
      this.listHeight = this.list.clientHeight;
      if (this.stick) this.scrollToBottom();
    }).observe(this.list);
  }

  get user() {
    return state.users.find((u) => u.id === this.userId);
  }

  /** Forgets what is shown (another user, or the server restarted): the next poll draws it anew. */
  resetChat() {
    this.loaded = false;
    this.maxId = 0;
    this.newBelow = 0;
    this.stick = true;
    this.forceBottom = false;
    this.seenNotice = undefined;
    this.dividerBefore = undefined;
    this.commands = [];
    this.list.replaceChildren();
    this.q('.jump').hidden = true;
  }

  applyTexts() {
    const t = textsFor(this.user);
    this.t = t;
    const bot = state.bot ? `${state.bot.firstName} (@${state.bot.username})` : 'the bot';
    this.q('.bot-name').textContent = t.chatWith(bot);
    this.list.setAttribute('aria-label', t.chatLog(this.user ? isolate(this.user.firstName) : '', bot));
    this.input.placeholder = t.message;
    this.input.setAttribute('aria-label', t.message);
    this.q('.send').textContent = t.send;
    this.q('.menu-button').textContent = `☰ ${t.menu}`;
    this.q('.menu-button').title = t.commands;
    this.q('.attach').setAttribute('aria-label', t.sendPhoto);
    this.q('.attach').title = t.sendPhoto;
    this.q('.location').setAttribute('aria-label', t.shareLocation);
    this.q('.location').title = t.shareLocation;
    this.q('.cancel-reply').setAttribute('aria-label', t.cancelReply);
    this.q('.jump').setAttribute('aria-label', t.toBottom);
    this.node.lang = this.user?.languageCode === 'ru' ? 'ru' : 'en';
  }

  fillUsers() {
    const select = this.q('.user-select');
    const labels = state.users.map((u) => {
      const unread = u.id === this.userId ? 0 : unreadCount(u.id);
      return { id: u.id, label: `${userLabel(u)}${unread ? ` · ${unread} unread` : ''}` };
    });
    const signature = JSON.stringify(labels);
    // Rebuilding the options of an open select would close it under the mouse.
    if (signature === this.usersSignature) return;
    this.usersSignature = signature;
    select.replaceChildren(...labels.map(({ id, label }) => el('option', { value: String(id) }, label)));
    select.value = String(this.userId);
  }

  switchTo(userId) {
    state.drafts.set(this.userId, this.input.value);
    this.userId = userId;
    this.input.value = state.drafts.get(userId) ?? '';
    this.fitInput();
    this.setReply(undefined);
    this.showCommands(undefined);
    this.resetChat();
    this.fillUsers();
    this.applyTexts();
    panesChanged();
  }

  /** The pane's user is gone: the server restarted and forgot users added on the page. */
  userGone() {
    const first = state.users[0];
    if (!first) return;
    this.switchTo(first.id);
    this.showNotice({ text: 'That simulated user is gone: the server restarted.', error: true });
  }

  // ---------------------------------------------------------------- scrolling

  isAtBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
    this.stick = true;
    this.newBelow = 0;
    this.q('.jump').hidden = true;
    this.markRead();
  }

  onScroll() {
    // A scroll event of a list that has just shrunk (the frame's scroll events come before its resize
    // observations) says nothing of where the reader is: the resize keeps the newest message in sight.
    if (this.list.clientHeight !== this.listHeight) return;
    this.stick = this.isAtBottom();
    if (this.stick) {
      this.newBelow = 0;
      this.q('.jump').hidden = true;
      this.markRead();
    }
  }

  markRead() {
    if (this.loaded) markSeen(this.userId, this.maxBotId ?? 0);
  }

  showJump() {
    const jump = this.q('.jump');
    jump.hidden = false;
    jump.querySelector('.count').textContent = this.newBelow ? String(this.newBelow) : '';
    jump.title = this.newBelow ? this.t.newMessages(this.newBelow) : this.t.toBottom;
  }

  // ---------------------------------------------------------------- rendering

  render(view) {
    if (view.user && view.user.languageCode !== this.user?.languageCode) this.applyTexts();
    const first = !this.loaded;
    const messages = view.messages;
    const bots = messages.filter((m) => m.from === 'bot');
    if (first) {
      const seen = state.seen[this.userId];
      const unread = bots.find((m) => m.id > (seen ?? 0));
      // A chat never read on this page opens at its end; one read before, at what came since.
      this.dividerBefore = seen === undefined ? undefined : unread?.id;
    }
    const arrived = first ? [] : messages.filter((m) => m.id > this.maxId);
    // Where the reader is, measured before the new messages grow the list: a scroll made just now
    // may not have reached onScroll yet (scroll events wait for the next frame). A list that has
    // just shrunk keeps what its resize decided.
    if (!first && this.list.clientHeight === this.listHeight) this.stick = this.isAtBottom();
    this.draw(messages);
    this.loaded = true;
    this.maxId = Math.max(this.maxId, ...messages.map((m) => m.id));
    this.maxBotId = Math.max(0, ...bots.map((m) => m.id));
    const divider = this.list.querySelector('.unread-divider');
    if (first && divider) {
      this.list.scrollTop = divider.offsetTop - this.list.offsetTop - 8;
      this.stick = this.isAtBottom();
      if (!this.stick) this.showJump();
    } else if (first || this.stick || this.forceBottom || arrived.some((m) => m.from === 'user')) {
      this.scrollToBottom();
    } else if (arrived.length) {
      this.newBelow += arrived.filter((m) => m.from === 'bot').length;
      this.showJump();
    }
    this.forceBottom = false;
    if (this.stick) this.markRead();
    this.commands = view.commands || [];
    this.renderKeyboard(view.keyboard);
    this.takeNotices(view.notices || []);
  }

  /** Puts the messages in the list, keeping the nodes of those that did not change (focus, selection, images). */
  draw(messages) {
    const old = new Map([...this.list.querySelectorAll(':scope > .msg')].map((li) => [li.dataset.id, li]));
    const focus = this.focusedMessage();
    const nodes = [];
    for (const m of messages) {
      if (m.id === this.dividerBefore) nodes.push(this.divider());
      const key = JSON.stringify(m);
      const kept = old.get(String(m.id));
      nodes.push(kept && kept.sandboxKey === key ? kept : this.renderMessage(m, key));
    }
    if (!messages.length) nodes.push(this.emptyChat());
    const wanted = new Set(nodes);
    for (const child of [...this.list.children]) if (!wanted.has(child)) child.remove();
    let cursor = this.list.firstElementChild;
    for (const node of nodes) {
      if (node === cursor) cursor = cursor.nextElementSibling;
      else this.list.insertBefore(node, cursor);
    }
    if (focus) this.restoreFocus(focus);
  }

  /** Where keyboard focus is inside a message, to put it back after that message was redrawn (edited). */
  focusedMessage() {
    const active = document.activeElement;
    const li = active?.closest?.('.msg');
    if (!li || !this.list.contains(li)) return undefined;
    const focusable = [...li.querySelectorAll('button, a, [tabindex]')];
    return { id: li.dataset.id, li, index: focusable.indexOf(active) };
  }

  restoreFocus({ id, li, index }) {
    const now = this.list.querySelector(`:scope > .msg[data-id="${id}"]`);
    if (!now || now === li) return;
    const focusable = [...now.querySelectorAll('button, a, [tabindex]')];
    (focusable[index] ?? focusable[0] ?? now).focus({ preventScroll: true });
  }

  divider() {
    return el('li', { class: 'unread-divider', role: 'separator' }, this.t.unread);
  }

  emptyChat() {
    return el(
      'li',
      { class: 'empty-chat' },
      el('p', {}, this.t.emptyChat),
      el('button', { type: 'button', class: 'start', onclick: () => this.sendCommand('/start') }, this.t.start),
    );
  }

  renderMessage(m, key) {
    const t = this.t;
    const li = el('li', { class: `msg ${m.from}`, 'data-id': String(m.id), tabindex: '-1' });
    li.sandboxKey = key;
    li.append(el('span', { class: 'sr-only' }, m.from === 'bot' ? `${state.bot?.firstName ?? 'Bot'}: ` : `${t.you}: `));
    const image = (fileId) => {
      if (/^https?:\/\//i.test(fileId))
        return el('a', { href: fileId, target: '_blank', rel: 'noopener' }, `🖼 ${fileId}`);
      const img = el('img', { src: `${API}/files/${encodeURIComponent(fileId)}`, alt: t.photo });
      img.addEventListener('load', () => {
        if (this.stick) this.scrollToBottom();
      });
      return img;
    };
    if (m.photo) li.append(image(m.photo));
    if (m.media?.type === 'photo') li.append(image(m.media.file_id));
    else if (m.media) li.append(el('div', {}, `📎 ${m.media.type}`));
    if (m.contact) li.append(`📞 ${isolate(m.contact.first_name)}: ${m.contact.phone_number}`);
    if (m.location) li.append(`📍 ${m.location.latitude.toFixed(4)}, ${m.location.longitude.toFixed(4)}`);
    if (m.text) {
      const actions = {
        texts: t,
        command: (command) => this.sendCommand(command),
        copy: (value) => {
          copyText(value);
          this.showNotice({ text: t.copied });
        },
      };
      li.append(
        el(
          'div',
          { class: 'text', dir: 'auto' },
          m.from === 'bot' ? renderEntities(m.text, m.entities, actions) : m.text,
        ),
      );
    }
    if (m.inlineKeyboard?.length) li.append(this.inlineKeyboard(m));
    const meta = el('span', { class: 'meta' }, m.edited ? t.edited : '');
    if (m.from === 'bot') {
      meta.append(
        el(
          'button',
          {
            type: 'button',
            class: 'reply-to',
            title: t.replyTo,
            'aria-label': t.replyTo,
            onclick: () => this.setReply(m),
          },
          `↩ ${t.reply}`,
        ),
      );
    }
    li.append(meta);
    if (m.inlineKeyboard?.length) li.classList.add('has-kb');
    return li;
  }

  inlineKeyboard(m) {
    const kb = el('div', { class: 'inline-kb', role: 'group', 'aria-label': this.t.buttons });
    for (const row of m.inlineKeyboard) {
      const r = el('div', { class: 'row' });
      for (const b of row) {
        const label = el('span', { class: 'label' }, b.text);
        if (b.callback_data !== undefined) {
          const button = el('button', { type: 'button', title: b.text }, label);
          button.addEventListener('click', () => this.tap(m.id, b.callback_data, button));
          r.append(button);
        } else if (safeUrl(b.url || '')) {
          r.append(el('a', { href: b.url, target: '_blank', rel: 'noopener noreferrer', title: b.url }, label, ' ↗'));
        } else if (b.copy_text?.text !== undefined) {
          const value = b.copy_text.text;
          r.append(
            el(
              'button',
              {
                type: 'button',
                title: b.text,
                onclick: () => {
                  copyText(value);
                  this.showNotice({ text: this.t.copied });
                },
              },
              label,
            ),
          );
        } else {
          r.append(el('button', { type: 'button', disabled: '', title: this.t.notInSandbox }, label));
        }
      }
      kb.append(r);
    }
    return kb;
  }

  renderKeyboard(keyboard) {
    const box = this.q('.reply-keyboard');
    if (!Array.isArray(keyboard) || !keyboard.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const signature = JSON.stringify(keyboard);
    if (!box.hidden && box.dataset.key === signature) return;
    box.dataset.key = signature;
    box.hidden = false;
    box.replaceChildren(
      ...keyboard.map((row) =>
        el(
          'div',
          { class: 'row' },
          ...row.map((b) => {
            const button = typeof b === 'string' ? { text: b } : b;
            return el('button', { type: 'button', onclick: () => this.keyboardButton(button) }, button.text);
          }),
        ),
      ),
    );
  }

  takeNotices(notices) {
    const newest = notices.at(-1);
    if (this.seenNotice === undefined) this.seenNotice = newest ? newest.id : 0;
    else if (newest && newest.id > this.seenNotice) {
      this.seenNotice = newest.id;
      this.showNotice(newest);
    }
  }

  // ---------------------------------------------------------------- what the user does

  async keyboardButton(button) {
    if (button.request_contact) return this.act(() => request(`chats/${this.userId}/contact`, {}));
    if (button.request_location) return this.shareLocation();
    return this.act(() => request(`chats/${this.userId}/messages`, { text: button.text }));
  }

  showCommands(prefix) {
    const box = this.q('.commands');
    const matching =
      prefix === undefined ? [] : this.commands.filter((c) => `/${c.command}`.startsWith(prefix.split(/\s/)[0]));
    if (!matching.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    box.hidden = false;
    box.replaceChildren(
      ...matching.map((c) =>
        el(
          'button',
          {
            type: 'button',
            onclick: () => {
              this.showCommands(undefined);
              this.input.value = '';
              this.fitInput();
              this.sendCommand(`/${c.command}`);
              this.input.focus();
            },
          },
          el('span', { class: 'cmd' }, `/${c.command}`),
          el('span', { class: 'desc' }, c.description),
        ),
      ),
    );
  }

  setReply(message) {
    this.replyTo = message?.id;
    const bar = this.q('.replying');
    bar.hidden = !message;
    const quoted = bar.querySelector('.quoted');
    quoted.replaceChildren(message ? el('bdi', {}, (message.text || '').slice(0, 60)) : '');
    bar.querySelector('.label').textContent = message ? `${this.t.replyingTo}: ` : '';
    if (message) this.input.focus();
  }

  /** The composer grows with its text up to a few lines, as Telegram's does. */
  fitInput() {
    const borders = this.input.offsetHeight - this.input.clientHeight;
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + borders, 160)}px`;
  }

  async sendText() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.input.value = '';
    this.fitInput();
    this.showCommands(undefined);
    const replyTo = this.replyTo;
    this.setReply(undefined);
    const sent = await this.act(() =>
      request(`chats/${this.userId}/messages`, { text, ...(replyTo ? { replyTo } : {}) }),
    );
    // Not sent: the text goes back into the composer rather than being lost.
    if (!sent && !this.input.value) {
      this.input.value = text;
      this.fitInput();
    }
    this.input.focus();
  }

  sendCommand(command) {
    return this.act(() => request(`chats/${this.userId}/messages`, { text: command }));
  }

  tap(messageId, data, button) {
    button?.classList.add('pending');
    button?.setAttribute('aria-busy', 'true');
    return this.act(() => request(`chats/${this.userId}/callback`, { messageId, data }), false).finally(() => {
      // Until the bot answers, Telegram shows the button busy; here the answer is the message redrawn.
      setTimeout(() => {
        button?.classList.remove('pending');
        button?.removeAttribute('aria-busy');
      }, 1500);
    });
  }

  shareLocation() {
    const answer = window.prompt(this.t.locationPrompt, '55.7558, 37.6173');
    if (!answer) return;
    const [latitude, longitude] = answer.split(',').map((s) => Number(s.trim()));
    return this.act(() => request(`chats/${this.userId}/location`, { latitude, longitude }));
  }

  sendPhoto(file) {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const caption = this.input.value;
      this.input.value = '';
      this.fitInput();
      this.act(() => request(`chats/${this.userId}/photo`, { dataUrl: reader.result, caption }));
    };
    reader.readAsDataURL(file);
    this.q('.photo-input').value = '';
  }

  /** Does what the user did; true when the sandbox took it, else the reason is shown. */
  async act(action, toBottom = true) {
    try {
      if (toBottom) this.forceBottom = true;
      await action();
      return true;
    } catch (err) {
      this.forceBottom = false;
      this.showNotice({ text: err.message, error: true });
      return false;
    }
  }

  /** A toast (goes by itself), an alert (waits for OK) or an error (stays until closed). */
  showNotice(notice) {
    const box = this.q('.notice');
    clearTimeout(this.noticeTimer);
    const kind = notice.alert ? 'alert' : notice.error ? 'error' : 'toast';
    box.className = `notice ${kind}`;
    box.setAttribute('role', kind === 'alert' ? 'alertdialog' : kind === 'error' ? 'alert' : 'status');
    box.replaceChildren(el('span', { class: 'notice-text', dir: 'auto' }, notice.text));
    box.hidden = false;
    if (kind === 'toast') {
      this.noticeTimer = setTimeout(() => {
        box.hidden = true;
      }, 2500);
      return;
    }
    const back = document.activeElement;
    const dismiss = () => {
      box.hidden = true;
      if (kind === 'alert' && back instanceof HTMLElement && back.isConnected) back.focus();
    };
    const button = el(
      'button',
      { type: 'button', class: 'dismiss', onclick: dismiss },
      kind === 'alert' ? this.t.ok : '✕',
    );
    if (kind === 'error') button.setAttribute('aria-label', this.t.close);
    box.append(button);
    box.onkeydown = (e) => {
      if (e.key === 'Escape') dismiss();
    };
    if (kind === 'alert') button.focus();
  }
}

// ------------------------------------------------------------------ the page

/** The open panes' users in the address, so a reload (or a bookmark) opens the same chats. */
function rememberPanes() {
  history.replaceState(null, '', `?users=${state.panes.map((p) => p.userId).join(',')}`);
}

function panesChanged() {
  rememberPanes();
  // The poll asks for the chats of the open panes: ask again now, for the new set.
  state.poll?.abort();
}

function addPane(userId) {
  const pane = new Pane(userId);
  state.panes.push(pane);
  document.getElementById('panes').append(pane.node);
  pane.input.focus();
  pane.node.scrollIntoView({ inline: 'start', block: 'nearest' });
  panesChanged();
  return pane;
}

function closePane(pane) {
  if (state.panes.length === 1) return;
  pane.node.remove();
  state.panes = state.panes.filter((p) => p !== pane);
  panesChanged();
}

function refreshUserLabels() {
  for (const pane of state.panes) pane.fillUsers();
  const unread = state.users.reduce(
    (sum, u) => sum + (state.panes.some((p) => p.userId === u.id) ? 0 : unreadCount(u.id)),
    0,
  );
  document.title = `${unread ? `(${unread}) ` : ''}Gramdesk sandbox`;
}

function takeState(s) {
  if (state.epoch !== undefined && s.epoch !== state.epoch) {
    // The server restarted: its chats start empty and its message ids count again from the start.
    state.epoch = s.epoch;
    state.seen = {};
    saveSeen();
    for (const pane of state.panes) pane.resetChat();
  }
  state.epoch = s.epoch;
  state.users = s.users;
  state.bot = s.bot;
  state.recent = s.recentBotMessageIds || {};
  refreshUserLabels();
}

function setOffline(offline) {
  const box = document.getElementById('connection');
  if (box.hidden === !offline) return;
  box.hidden = !offline;
  document.body.classList.toggle('offline', offline);
}

/** The page's one long poll: the user list and the open panes' chats, whenever anything changed. */
async function pollForever() {
  let failures = 0;
  let asked = '';
  for (;;) {
    const controller = new AbortController();
    state.poll = controller;
    const users = state.panes.map((p) => p.userId).join(',');
    // Another set of chats than last time: answer at once with all of them.
    const since = users === asked && state.version >= 0 ? `&since=${state.version}&epoch=${state.epoch}` : '';
    try {
      const res = await fetch(`${API}/poll?users=${users}${since}`, { signal: controller.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const data = await res.json();
      asked = users;
      failures = 0;
      setOffline(false);
      takeState(data);
      state.version = data.version;
      for (const pane of state.panes) {
        const view = data.chats[pane.userId];
        if (view) pane.render(view);
        else if (users.split(',').includes(String(pane.userId))) pane.userGone();
      }
    } catch (err) {
      if (controller.signal.aborted) continue;
      failures++;
      setOffline(true);
      if (failures > 3) console.warn('sandbox: polling failed', err);
      await sleep(Math.min(3000, 300 * failures));
    }
  }
}

async function start() {
  takeState(await request('state'));
  state.seen = loadSeen();
  const params = new URLSearchParams(location.search);
  const wanted = (params.get('users') || '')
    .split(',')
    .map(Number)
    .filter((id) => state.users.some((u) => u.id === id));
  for (const id of wanted.length ? wanted : [state.users[0].id]) addPane(id);
  state.panes[0]?.input.focus();
  document.getElementById('add-pane').addEventListener('click', () => {
    const used = new Set(state.panes.map((p) => p.userId));
    const next = state.users.find((u) => !used.has(u.id)) || state.users[0];
    addPane(next.id);
  });
  document.getElementById('add-user').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const data = Object.fromEntries(new FormData(form));
    const error = form.querySelector('.form-error');
    try {
      const user = await request('users', data);
      form.reset();
      error.hidden = true;
      takeState(await request('state'));
      addPane(user.id);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  pollForever();
}

start().catch((err) => {
  document.getElementById('panes').append(el('p', { class: 'error' }, `The sandbox could not start: ${err.message}`));
});
