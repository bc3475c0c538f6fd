import { fold } from './slug.js';

/**
 * What headings and item texts say about time (DESIGN.md "Phases", "Recurring items"): whether a heading
 * names the time after the launch, whether it names a rhythm, and the cadence a text starts with.
 */

// Folded text (lower-case ASCII): `Canlıya Geçiş Sonrası` reads `canliya gecis sonrasi`.
const AFTER_LAUNCH =
  /\b(post[\s-]?(deploy(ment)?|launch|release|go[\s-]?live)|after\s+(the\s+)?(launch|deploy(ment)?|release|go[\s-]?live)|ongoing|canliya\s+gecis\s+sonrasi|yayin\s+sonrasi)\b/;
const RHYTHM = /\b(ritim|rhythm|governance|cadence|yonetim\s+modeli)\b/;

/** Cadences, longest phrase first so `Üç Aylık` is not read as `Aylık`. `regular` takes policy.regular. */
const CADENCES: [RegExp, string][] = [
  [/^(iki\s+haftada\s+bir|bi-?weekly|fortnightly|every\s+(two|2)\s+weeks)\b/, '14d'],
  [/^(uc\s+aylik|quarterly)\b/, '90d'],
  [/^(haftalik|weekly)\b/, '7d'],
  [/^(aylik|monthly)\b/, '30d'],
  [/^(yillik|yearly|annual(ly)?)\b/, '365d'],
  [/^regular(ly)?\b/, 'regular'],
];

/** True when a heading names the time after the launch (`Post-Deployment`, `Ongoing`, `Canlıya Geçiş Sonrası`). */
export function isAfterLaunchHeading(title: string): boolean {
  return AFTER_LAUNCH.test(fold(title));
}

/** True when a heading names a rhythm (`Yönetim Modeli (Haftalık Ritim)`, `Governance`, `Cadence`). */
export function isRhythmHeading(title: string): boolean {
  const folded = fold(title);
  return RHYTHM.test(folded) || CADENCES.some(([re]) => re.test(folded));
}

/**
 * The period a text starts with: `Weekly security updates` -> `7d`, `İki Haftada Bir:` -> `14d`,
 * `Regular audit chain verification` -> `regular` (the caller's policy.regular). Undefined otherwise.
 */
export function cadenceOf(text: string): string | undefined {
  const folded = fold(text).replace(/^[^a-z0-9]+/, '');
  return CADENCES.find(([re]) => re.test(folded))?.[1];
}
