import { fold } from './patterns.js';
import type { ItemText } from './rule.js';

/**
 * Words that say a person does or judges the work: a machine cannot verify a rotation, a plan, a
 * review, a sign-off or that a flow "works". English and Turkish, as the seeds write them, in the
 * folded form `fold` gives (ı and İ become i).
 */
const HUMAN = [
  /\brotat(e|ed|ion)\b|\brotasyon|rotate edil/,
  /\bplan(ı|i|s)?\b|\bplanning\b/,
  /\bdocument(ed)?\b|\brunbook|\bplaybook|\bguide\b|\bprocedure|\bprosedür/,
  /\breview|\bgözden geçir|\btriage/,
  /\btrain(ed|ing)?\b|\beğitim/,
  /\bsign[- ]?off|\bonay/,
  /\b2fa\b|\bmfa\b|\bsso\b/,
  /\bflow (works|tested)|\bakiş(i)? .*çalişiyor/,
  /\bmanual(ly)?\b|\bmanuel\b/,
  /\bconfirm\b|\bpublished\b|\bcompliance\b|\bcontacts?\b|\bfeedback\b|\bdrills?\b/,
  /\btest edildi\b|\bkontrol et\b|\bdoğru mu\b|\bayni mi\b/,
  /\bmonitor (error|billing|evaluation|system)|\bcollect\b|\boptimi[sz]e/,
];

/**
 * Why an item is plainly human work, or undefined. Sign-off slots, fields (`RTO: ___`) and criteria
 * are always human; a task is when its text says so.
 */
export function humanWork(item: ItemText): string | undefined {
  if (item.kind === 'signoff') return 'a sign-off slot';
  if (item.kind === 'field') return 'a field a person fills in';
  if (item.kind === 'criterion') return 'a GO / NO-GO criterion a person attests';
  const text = fold(item.title);
  const hit = HUMAN.map((re) => text.match(re)).find(Boolean);
  return hit ? `"${hit[0]}" is work a person does or judges` : undefined;
}
