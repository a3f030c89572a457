import { describe, expect, it } from 'vitest';
import { parseWindowText, readWindow } from '../../src/features/mailings/mailings.js';

// The one parser of sending windows: the API's { from, to } and the bot's "09:00-21:00".
describe('sending window', () => {
  it.each([
    ['09:00-21:00', '09:00', '21:00'],
    ['9:00 – 21:00', '09:00', '21:00'],
    ['22:30—06:00', '22:30', '06:00'],
  ])('reads the text %j', (text, from, to) => {
    expect(parseWindowText(text)).toMatchObject({ window: { from, to } });
  });

  it.each([
    ['9 to 5', 'window', 'format'],
    ['10:00-10:00', 'window', 'empty'],
    ['25:00-21:00', 'window.from', 'format'],
    ['09:00-24:00', 'window.to', 'format'],
  ])('refuses the text %j', (text, field, reason) => {
    expect(parseWindowText(text)).toEqual({ problem: { field, reason } });
  });

  it('reads the two fields strictly as HH:MM, in minutes after midnight', () => {
    expect(readWindow({ from: '09:00', to: '21:00' })).toMatchObject({ minutes: { from: 540, to: 1260 } });
    expect(readWindow({ from: '9:00', to: '21:00' })).toEqual({ problem: { field: 'window.from', reason: 'format' } });
  });
});
