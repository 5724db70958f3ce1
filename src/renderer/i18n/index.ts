import { fr, type MessageKey, type PluralKey } from './fr';

const plural = new Intl.PluralRules('fr-FR');
const number = new Intl.NumberFormat('fr-FR');

function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = params[k];
    return v === undefined ? m : typeof v === 'number' ? number.format(v) : v;
  });
}

/** A message from the catalogue, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(fr[key], params);
}

/** A counted message: picks the plural form for n, per the French rules (0 and 1 are singular). */
export function tn(key: PluralKey, n: number, params: Record<string, string | number> = {}): string {
  const forms = fr[key] as Record<string, string>;
  const form = forms[plural.select(n)] ?? forms.other ?? '';
  return fill(form, { n, ...params });
}
