import { describe, expect, it } from 'vitest';
import { joinRoom } from '../../src/features/chat/room.js';
import { chatUser } from '../helpers/bot-chat.js';
import { useTestEnvironment } from '../helpers/environment.js';

const env = useTestEnvironment();

describe('the room screen counts who is here', () => {
  // Russian's plural category "one" also covers 21, 31, 101…: the line for one person must not
  // be chosen for 21 people (it dropped the count and the "и ещё N").
  it('in Russian, 21 people are 21, with the ones not named counted', async () => {
    const bob = await chatUser(env, { first_name: 'Боб', language_code: 'ru' });
    // 20 others whose names the screen does not know: counted, not named.
    for (let i = 0; i < 20; i++) await joinRoom(env.services, String(990_000_000 + i));
    await bob.sendCommand('room');
    expect(bob.lastReply()).toContain('👥 Сейчас здесь (21): Боб и ещё 20');
  });

  it('in English, 22 people are counted too', async () => {
    const ann = await chatUser(env, { first_name: 'Ann' });
    await ann.sendCommand('room');
    expect(ann.lastReply()).toContain('👥 Here now (22): ');
    expect(ann.lastReply()).toMatch(/ and 20 more\n/);
  });
});
