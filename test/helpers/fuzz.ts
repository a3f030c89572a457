import { fc } from '@fast-check/vitest';

/**
 * The budget of the property and fuzz tests (issue 18, point 4). CI runs them with a fixed seed and
 * a small budget; `npm run fuzz` runs the same files with FUZZ_SEED=random and a larger FUZZ_SCALE.
 *
 * - FUZZ_SEED: a number (replays a run), or `random` (a fresh seed, printed so it can be replayed).
 *   Default: the fixed CI seed.
 * - FUZZ_SCALE: multiplies every run count (default 1).
 */
export const CI_SEED = 180_004;

function readSeed(): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return CI_SEED;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", got ${raw}`);
  return seed;
}

function readScale(): number {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`FUZZ_SCALE must be a positive number`);
  return scale;
}

export const FUZZ_SEED = readSeed();
export const FUZZ_SCALE = readScale();

/** A run count scaled by FUZZ_SCALE. */
export const runs = (ci: number): number => Math.max(1, Math.round(ci * FUZZ_SCALE));

/** A test timeout that grows with the budget. */
export const fuzzTimeout = (ciMs: number): number => Math.round(ciMs * Math.max(1, FUZZ_SCALE) * 1.5);

/** fast-check parameters: the seed, the runs, and a replay hint in the failure message. */
export function params<T>(numRuns: number, examples: T[] = []): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns, examples, endOnFailure: false };
}

/** Prints one line of counts, so a run's budget can be quoted; the seed replays it. */
export function report(pass: string, counts: Record<string, number | string>): void {
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
  console.log(`[fuzz] ${pass} seed=${FUZZ_SEED} scale=${FUZZ_SCALE} ${parts.join(' ')}`);
}

// ---------------------------------------------------------------------------------------------
// Strange text

/**
 * Characters that have broken text handling elsewhere: NUL and other controls, bidi overrides
 * and isolates (RTL), zero-width and format characters, the BOM, lone surrogates, non-characters,
 * combining marks, astral characters, line and paragraph separators, HTML and SQL specials.
 */
export const STRANGE_PIECES = [
  '\u0000',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\t',
  '\r\n',
  '\n',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u061c',
  'مرحبا',
  'שלום',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '\ufffe',
  '\uffff',
  '\ufffd',
  'e\u0301\u0301\u0301',
  'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍',
  '𝕏',
  '👩‍👩‍👧‍👦',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '\u00a0',
  '\u3000',
  ' ',
  '<b>',
  '</b>',
  '<a href="x">',
  '&',
  '&amp;',
  '&#0;',
  '&#xd800;',
  '<',
  '>',
  '"',
  "'",
  '\\',
  '%00',
  '%',
  '../',
  '/',
  '?',
  '#',
  '.',
  "'; drop table users; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the point
  '${x}',
  '{{x}}',
  '@',
  '+',
  '-',
  '_',
  ':',
  '0',
  '-1',
  '9223372036854775808',
  '1e309',
  'NaN',
  'null',
  'true',
  'İ',
  'ß',
  'ё',
  'Ё',
] as const;

/** The pieces that most often break storage or display: NUL, lone surrogates, bidi and zero-width characters, length. */
export const CRITICAL_PIECES = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u0001',
  'x'.repeat(5000),
] as const;

/** A text made of strange pieces and ordinary characters. */
export const strangeText = (maxPieces = 12): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...STRANGE_PIECES) },
        { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      ),
      { maxLength: maxPieces },
    )
    .map((parts) => parts.join(''));

/** Any text: strange, plain, or very long. */
export const anyText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: strangeText() },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...STRANGE_PIECES, 'a', 'я', '😀'), fc.integer({ min: 100, max: 20_000 }))
        .map(([piece, n]) => piece.repeat(Math.ceil(n / Math.max(1, piece.length)))),
    },
  );

/** Any JSON value, deep or wide, with strange strings in it. */
export const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.letrec<{ value: unknown }>((tie) => ({
        value: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          anyText(),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.array(tie('value'), { maxLength: 3 }),
          fc.dictionary(anyText(), tie('value'), { maxKeys: 3 }),
        ),
      })).value,
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 50, max: 3_000 }), fc.constantFrom('[', '{"a":'))
        .map(([depth, open]) =>
          JSON.parse(
            open === '[' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          ),
        ),
    },
  );
