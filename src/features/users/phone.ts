/**
 * Phone numbers arrive from Telegram's contact button as digits with or without '+'.
 * The operator code (seed 002's "код мобильного оператора") is the block right after the
 * country code; mailings filter on it. We know the numbering plans of the countries our users
 * come from; elsewhere the code stays empty rather than guessed.
 */
const PLANS: Array<{ country: string; codeLength: number; totalLength: number }> = [
  { country: '7', codeLength: 3, totalLength: 11 }, // Russia, Kazakhstan: +7 916 123-45-67
  { country: '1', codeLength: 3, totalLength: 11 }, // NANP: +1 212 555-01-23
  { country: '380', codeLength: 2, totalLength: 12 }, // Ukraine: +380 67 123 4567
  { country: '375', codeLength: 2, totalLength: 12 }, // Belarus: +375 29 123 4567
  { country: '998', codeLength: 2, totalLength: 12 }, // Uzbekistan: +998 90 123 4567
  { country: '996', codeLength: 3, totalLength: 12 }, // Kyrgyzstan: +996 555 123 456
  { country: '374', codeLength: 2, totalLength: 11 }, // Armenia: +374 91 123456
  { country: '995', codeLength: 3, totalLength: 12 }, // Georgia: +995 555 12 34 56
];

export interface ParsedPhone {
  /** E.164 form: '+' and 8–15 digits. */
  phone: string;
  operatorCode: string | null;
}

export function parsePhone(raw: string): ParsedPhone | null {
  let digits = raw.replace(/[\s()\-.]/g, '');
  const international = digits.startsWith('+');
  if (international) digits = digits.slice(1);
  if (!/^\d{8,15}$/.test(digits)) return null;
  // Russian numbers written with the trunk prefix 8 (8 916 …) are +7 numbers; with a "+" the
  // 8 is a country code (+81 3 1234 5678 is Tokyo).
  if (!international && digits.length === 11 && digits.startsWith('8')) digits = `7${digits.slice(1)}`;
  const plan = PLANS.find((p) => digits.startsWith(p.country) && digits.length === p.totalLength);
  const operatorCode = plan ? digits.slice(plan.country.length, plan.country.length + plan.codeLength) : null;
  return { phone: `+${digits}`, operatorCode };
}

/** Longer than any phone number written by hand; refused before parsing. */
export const PHONE_INPUT_MAX = 32;

/** What a refused phone number is told, in the API's validation problems. */
export const PHONE_FORMAT_HINT = 'Not a phone number: use international format, e.g. +79161234567';

/** A phone number as typed into a form or an API field: bounded, trimmed, then parsed. */
export function parsePhoneInput(input: string): ParsedPhone | null {
  return input.length <= PHONE_INPUT_MAX ? parsePhone(input.trim()) : null;
}
