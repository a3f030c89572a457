import { describe, expect, it } from 'vitest';
import { FrameError, messageFrame, parseClientFrame } from '../../src/features/chat/ws/frames.js';
import { createTranslator } from '../../src/platform/i18n/translator.js';

const code = (data: string) => {
  try {
    parseClientFrame(data);
    return 'ok';
  } catch (err) {
    return err instanceof FrameError ? err.code : 'threw';
  }
};

describe('client frames', () => {
  it('accepts the four frame types and drops fields the protocol does not know (such as `from`)', () => {
    expect(parseClientFrame('{"type":"pm","to":"ann","text":"hi","from":"bob","ref":"1"}')).toEqual({
      type: 'pm',
      to: 'ann',
      text: 'hi',
      ref: '1',
    });
    expect(parseClientFrame('{"type":"room","text":"hi","from":{"id":"1"}}')).toEqual({ type: 'room', text: 'hi' });
    expect(parseClientFrame('{"type":"join"}')).toEqual({ type: 'join' });
    expect(parseClientFrame('{"type":"leave","ref":"x"}')).toEqual({ type: 'leave', ref: 'x' });
  });

  it.each([
    ['', 'invalid_json'],
    ['{', 'invalid_json'],
    ['null', 'invalid_frame'],
    ['42', 'invalid_frame'],
    ['[]', 'invalid_frame'],
    ['{}', 'unknown_type'],
    ['{"type":7}', 'unknown_type'],
    ['{"type":"PM","to":"a","text":"b"}', 'unknown_type'],
    ['{"type":"pm","to":"a"}', 'invalid_frame'],
    ['{"type":"pm","to":null,"text":"b"}', 'invalid_frame'],
    ['{"type":"room","text":["b"]}', 'invalid_frame'],
    [`{"type":"join","ref":"${'r'.repeat(65)}"}`, 'invalid_frame'],
  ])('refuses %s with %s', (data, expected) => {
    expect(code(data)).toBe(expected);
  });

  it('keeps the client’s ref on errors when it is usable', () => {
    try {
      parseClientFrame('{"type":"pm","ref":"abc"}');
    } catch (err) {
      expect((err as FrameError).ref).toBe('abc');
    }
  });

  it('serialises stored messages as pm and room frames', () => {
    const from = { id: '1', username: 'ann', firstName: 'Ann' };
    const to = { id: '2', username: null, firstName: 'Bob' };
    const sentAt = new Date('2026-11-22T12:00:00Z');
    expect(messageFrame({ id: '9', kind: 'pm', from, to, text: 'x', sentAt })).toEqual({
      type: 'pm',
      id: '9',
      from,
      to,
      text: 'x',
      sentAt: '2026-11-22T12:00:00.000Z',
    });
    expect(messageFrame({ id: '10', kind: 'room', from, text: 'y', sentAt })).toEqual({
      type: 'room',
      id: '10',
      from,
      text: 'y',
      sentAt: '2026-11-22T12:00:00.000Z',
    });
  });
});

describe('chat delivery texts', () => {
  const t = createTranslator();
  it('counts the notice in both languages', () => {
    expect(t.t('en', 'chat-pm-notice', { count: 1, sender: '@ann' })).toBe('📨 1 new message from @ann — /inbox');
    expect(t.t('en', 'chat-pm-notice', { count: 12, sender: '@ann' })).toBe('📨 12 new messages from @ann — /inbox');
    expect(t.t('ru', 'chat-pm-notice', { count: 1, sender: '@ann' })).toBe('📨 1 новое сообщение от @ann — /inbox');
    expect(t.t('ru', 'chat-pm-notice', { count: 3, sender: '@ann' })).toBe('📨 3 новых сообщения от @ann — /inbox');
    expect(t.t('ru', 'chat-pm-notice', { count: 11, sender: '@ann' })).toBe('📨 11 новых сообщений от @ann — /inbox');
    expect(t.t('ru', 'chat-pm-notice', { count: 21, sender: '@ann' })).toBe('📨 21 новое сообщение от @ann — /inbox');
  });

  it('escapes what users typed', () => {
    expect(t.t('en', 'chat-pm-incoming', { sender: '@a', text: '<i>&' })).toBe('💬 @a: &lt;i&gt;&amp;');
    expect(t.t('ru', 'chat-room-line', { name: 'A<b>', text: 'x' })).toBe('🏠 <b>A&lt;b&gt;</b> в комнате: x');
  });
});
