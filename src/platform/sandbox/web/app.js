// The sandbox web chat: plays the Telegram app of simulated users against the real bot.
// Plain JS, no build step; every text from the bot is put into the page as text, never as markup.

const API = 'sandbox/api';
const state = { users: [], bot: null, panes: [] };

async function request(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${API}/${path}`, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data?.error?.message || `HTTP ${res.status}`);
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

const safeUrl = (url) => (/^https?:\/\//i.test(url) ? url : undefined);

/** Telegram text + entities → DOM nodes (entities nest; offsets are UTF-16 units). */
function renderEntities(text, entities) {
  const root = document.createDocumentFragment();
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(parent, from, to, list) {
    let at = from;
    let i = 0;
    while (i < list.length) {
      const e = list[i];
      if (e.offset > at) parent.append(text.slice(at, e.offset));
      const end = e.offset + e.length;
      const inner = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < end) inner.push(list[j++]);
      const node = entityNode(e);
      build(node, e.offset, end, inner);
      parent.append(node);
      at = Math.max(at, end);
      i = j;
    }
    if (at < to) parent.append(text.slice(at, to));
  }
  build(root, 0, text.length, sorted);
  return root;
}

function entityNode(e) {
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
      return el('code');
    case 'pre':
      return el('pre');
    case 'blockquote':
      return el('blockquote');
    case 'spoiler': {
      const s = el('span', { class: 'spoiler', title: 'Spoiler' });
      s.addEventListener('click', () => s.classList.toggle('shown'));
      return s;
    }
    case 'text_link': {
      const href = safeUrl(e.url || '');
      return href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }) : el('span');
    }
    default:
      return el('span');
  }
}

class Pane {
  constructor(userId) {
    this.userId = userId;
    this.version = -1;
    this.seenNotice = undefined;
    this.replyTo = undefined;
    this.commands = [];
    this.alive = true;
    this.node = document.getElementById('pane-template').content.firstElementChild.cloneNode(true);
    this.q = (s) => this.node.querySelector(s);
    this.q('.bot-name').textContent = state.bot ? `chat with ${state.bot.firstName} (@${state.bot.username})` : '';
    this.fillUsers();
    this.q('.user-select').addEventListener('change', (e) => this.switchTo(Number(e.target.value)));
    this.q('.close-pane').addEventListener('click', () => closePane(this));
    this.q('.composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendText();
    });
    const input = this.q('.composer-input');
    input.addEventListener('input', () => this.showCommands(input.value.startsWith('/') ? input.value : undefined));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
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
    this.poll();
  }

  fillUsers() {
    const select = this.q('.user-select');
    select.replaceChildren(
      ...state.users.map((u) =>
        el(
          'option',
          { value: String(u.id) },
          `${u.firstName}${u.username ? ` @${u.username}` : ''}${u.admin ? ' (admin)' : ''}`,
        ),
      ),
    );
    select.value = String(this.userId);
  }

  switchTo(userId) {
    this.userId = userId;
    this.version = -1;
    this.seenNotice = undefined;
    this.setReply(undefined);
    this.q('.messages').replaceChildren();
    this.restartPoll();
  }

  restartPoll() {
    this.controller?.abort();
    this.poll();
  }

  async poll() {
    const userId = this.userId;
    const controller = new AbortController();
    this.controller = controller;
    let failures = 0;
    while (this.alive && this.userId === userId && !controller.signal.aborted) {
      try {
        const since = this.version >= 0 ? `?since=${this.version}` : '';
        const res = await fetch(`${API}/chats/${userId}${since}`, { signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const view = await res.json();
        if (this.userId !== userId) return;
        this.version = view.version;
        this.render(view);
        failures = 0;
      } catch (err) {
        if (controller.signal.aborted) return;
        failures++;
        await new Promise((r) => setTimeout(r, Math.min(5000, 300 * failures)));
        if (failures > 3) console.warn('sandbox: polling failed', err);
      }
    }
  }

  render(view) {
    const list = this.q('.messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const before = list.childElementCount;
    list.replaceChildren(...view.messages.map((m) => this.renderMessage(m)));
    if (atBottom || view.messages.length !== before) list.scrollTop = list.scrollHeight;
    this.commands = view.commands || [];
    this.renderKeyboard(view.keyboard);
    const notices = view.notices || [];
    const newest = notices.at(-1);
    if (this.seenNotice === undefined) this.seenNotice = newest ? newest.id : 0;
    else if (newest && newest.id > this.seenNotice) {
      this.seenNotice = newest.id;
      this.showNotice(newest);
    }
  }

  renderMessage(m) {
    const li = el('li', { class: `msg ${m.from}`, 'data-id': String(m.id) });
    if (m.photo) li.append(el('img', { src: `${API}/files/${encodeURIComponent(m.photo)}`, alt: 'photo' }));
    if (m.media?.type === 'photo') {
      li.append(el('img', { src: `${API}/files/${encodeURIComponent(m.media.file_id)}`, alt: 'photo' }));
    } else if (m.media) li.append(el('div', {}, `📎 ${m.media.type}`));
    if (m.contact) li.append(`📞 ${m.contact.first_name}: ${m.contact.phone_number}`);
    if (m.location) li.append(`📍 ${m.location.latitude.toFixed(4)}, ${m.location.longitude.toFixed(4)}`);
    if (m.text)
      li.append(el('span', { class: 'text' }, m.from === 'bot' ? renderEntities(m.text, m.entities) : m.text));
    if (m.inlineKeyboard?.length) {
      const kb = el('div', { class: 'inline-kb' });
      for (const row of m.inlineKeyboard) {
        const r = el('div', { class: 'row' });
        for (const b of row) {
          if (b.callback_data !== undefined) {
            r.append(el('button', { type: 'button', onclick: () => this.tap(m.id, b.callback_data) }, b.text));
          } else if (safeUrl(b.url || '')) {
            r.append(el('a', { href: b.url, target: '_blank', rel: 'noopener noreferrer' }, `${b.text} ↗`));
          } else r.append(el('button', { type: 'button', disabled: '' }, b.text));
        }
        kb.append(r);
      }
      li.append(kb);
    }
    const meta = el('span', { class: 'meta' }, m.edited ? 'edited' : '');
    if (m.from === 'bot') {
      meta.append(
        el(
          'button',
          { type: 'button', class: 'reply-to', title: 'Reply to this message', onclick: () => this.setReply(m) },
          '↩ reply',
        ),
      );
    }
    li.append(meta);
    return li;
  }

  renderKeyboard(keyboard) {
    const box = this.q('.reply-keyboard');
    if (!Array.isArray(keyboard) || !keyboard.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
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
              this.act(() => request(`chats/${this.userId}/messages`, { text: `/${c.command}` }));
              this.q('.composer-input').value = '';
              this.q('.composer-input').focus();
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
    bar.querySelector('span').textContent = message ? `Replying to: ${(message.text || '').slice(0, 60)}` : '';
    if (message) this.q('.composer-input').focus();
  }

  async sendText() {
    const input = this.q('.composer-input');
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    this.showCommands(undefined);
    const replyTo = this.replyTo;
    this.setReply(undefined);
    await this.act(() => request(`chats/${this.userId}/messages`, { text, ...(replyTo ? { replyTo } : {}) }));
    input.focus();
  }

  tap(messageId, data) {
    return this.act(() => request(`chats/${this.userId}/callback`, { messageId, data }));
  }

  shareLocation() {
    const answer = window.prompt('Share a location: latitude, longitude', '55.7558, 37.6173');
    if (!answer) return;
    const [latitude, longitude] = answer.split(',').map((s) => Number(s.trim()));
    return this.act(() => request(`chats/${this.userId}/location`, { latitude, longitude }));
  }

  sendPhoto(file) {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      const caption = this.q('.composer-input').value;
      this.q('.composer-input').value = '';
      this.act(() => request(`chats/${this.userId}/photo`, { dataUrl: reader.result, caption }));
    };
    reader.readAsDataURL(file);
    this.q('.photo-input').value = '';
  }

  async act(action) {
    try {
      await action();
    } catch (err) {
      this.showNotice({ text: err.message, alert: false });
    }
  }

  showNotice(notice) {
    const box = this.q('.notice');
    clearTimeout(this.noticeTimer);
    box.className = notice.alert ? 'notice alert' : 'notice';
    box.replaceChildren(notice.text);
    box.hidden = false;
    if (notice.alert) {
      const ok = el(
        'button',
        {
          type: 'button',
          onclick: () => {
            box.hidden = true;
          },
        },
        'OK',
      );
      box.append(ok);
      ok.focus();
    } else
      this.noticeTimer = setTimeout(() => {
        box.hidden = true;
      }, 2500);
  }
}

function addPane(userId) {
  const pane = new Pane(userId);
  state.panes.push(pane);
  document.getElementById('panes').append(pane.node);
  pane.q('.composer-input').focus();
  return pane;
}

function closePane(pane) {
  if (state.panes.length === 1) return;
  pane.alive = false;
  pane.controller?.abort();
  pane.node.remove();
  state.panes = state.panes.filter((p) => p !== pane);
}

async function refreshUsers() {
  const s = await request('state');
  state.users = s.users;
  state.bot = s.bot;
  for (const pane of state.panes) pane.fillUsers();
}

async function start() {
  await refreshUsers();
  const params = new URLSearchParams(location.search);
  const wanted = (params.get('users') || '')
    .split(',')
    .map(Number)
    .filter((id) => state.users.some((u) => u.id === id));
  for (const id of wanted.length ? wanted : [state.users[0].id]) addPane(id);
  document.getElementById('add-pane').addEventListener('click', () => {
    const used = new Set(state.panes.map((p) => p.userId));
    const next = state.users.find((u) => !used.has(u.id)) || state.users[0];
    addPane(next.id);
  });
  document.getElementById('add-user').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.target;
    const data = Object.fromEntries(new FormData(form));
    try {
      const user = await request('users', data);
      form.reset();
      await refreshUsers();
      addPane(user.id);
    } catch (err) {
      window.alert(err.message);
    }
  });
}

start().catch((err) => {
  document.getElementById('panes').append(el('p', { class: 'error' }, `The sandbox could not start: ${err.message}`));
});
