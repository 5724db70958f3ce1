/**
 * Routing of a received letter in a group practice: to one doctor, or to "À trier" with the reason.
 * Order: HPRIM line 12 of every document (APICRYPT identifier, RPPS, the sender's code for the doctor,
 * the doctor's name), then the letter's addresses, then the rules learned from the secretariat.
 * When in doubt (homonyms, documents for different doctors, clues that disagree) the letter goes to
 * "À trier": a human decides, never a guess.
 */
import { addressKey } from '../address';
import { matchName, nameTokens } from './names';
import { A_TRIER, type RecipientField, type RouteDecision, type RoutingDoctor, type RoutingInput, type RoutingRule } from './types';

type DocOutcome =
  | { kind: 'doctor'; id: string; reason: 'hprim_identifier' | 'hprim_rpps' | 'hprim_code' | 'hprim_name' }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'conflict'; candidates: string[] }
  | { kind: 'unknown' };

const IDENT = /^([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)(?:@[A-Za-z0-9.-]+)?$/;
const RPPS = /(?<!\d)(\d{11})(?!\d)/g;

function displayName(d: RoutingDoctor): string {
  return `Dr ${d.firstName} ${d.surname}`;
}

/** APICRYPT identifiers written in a field (`claire.MARTIN`, `claire.MARTIN@medical35.apicrypt.org`). */
function identifiers(field: RecipientField): string[] {
  const words = [field.code ?? '', ...field.name.split(/[\s,;<>()]+/)];
  return words.map((w) => IDENT.exec(w.trim())?.[1]?.toLowerCase()).filter((w): w is string => w !== undefined);
}

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** The practice's view for routing: indexes built once, reused for every letter. */
export class RoutingDirectory {
  readonly doctors: readonly RoutingDoctor[];
  private readonly byIdent = new Map<string, string>();
  private readonly byRpps = new Map<string, string>();
  private readonly byCode = new Map<string, string[]>();
  private readonly byAddress = new Map<string, string>();
  private readonly names = new Map<string, string>();

  constructor(doctors: readonly RoutingDoctor[]) {
    this.doctors = doctors;
    for (const d of doctors) {
      this.names.set(d.id, displayName(d));
      this.byIdent.set(d.apicryptId.toLowerCase(), d.id);
      if (d.rpps) this.byRpps.set(d.rpps, d.id);
      for (const c of d.hprimCodes ?? []) {
        const k = c.trim().toUpperCase();
        this.byCode.set(k, unique([...(this.byCode.get(k) ?? []), d.id]));
      }
      for (const a of d.addresses ?? []) this.byAddress.set(addressKey(a), d.id);
    }
  }

  name(id: string): string {
    return this.names.get(id) ?? id;
  }

  /** One document's line 12. */
  routeRecipient(field: RecipientField): DocOutcome {
    const definite: { id: string; reason: 'hprim_identifier' | 'hprim_rpps' | 'hprim_code' }[] = [];
    for (const ident of identifiers(field)) {
      const id = this.byIdent.get(ident);
      if (id) definite.push({ id, reason: 'hprim_identifier' });
    }
    for (const m of `${field.code ?? ''} ${field.name}`.matchAll(RPPS)) {
      const id = this.byRpps.get(m[1]!);
      if (id) definite.push({ id, reason: 'hprim_rpps' });
    }
    const codeIds = field.code ? (this.byCode.get(field.code.trim().toUpperCase()) ?? []) : [];
    if (codeIds.length === 1) definite.push({ id: codeIds[0]!, reason: 'hprim_code' });
    // The name is judged on what is left once identifiers and RPPS numbers are taken out of the field.
    const words = field.name.split(/\s+/).filter((w) => w !== '' && !this.byIdent.has(IDENT.exec(w)?.[1]?.toLowerCase() ?? '') && !/^\d{11}$/.test(w) && !/^RPPS:?$/i.test(w));
    const name = this.routeName(words.join(' '));
    const ids = unique(definite.map((d) => d.id));
    if (ids.length > 1) return { kind: 'conflict', candidates: ids };
    if (ids.length === 1) {
      const id = ids[0]!;
      // The name may stay silent (another wording, a former colleague) but must not point elsewhere.
      if ((name.kind === 'doctor' && name.id !== id) || (name.kind === 'ambiguous' && !name.candidates.includes(id))) {
        return { kind: 'conflict', candidates: unique([id, ...(name.kind === 'doctor' ? [name.id] : name.candidates)]) };
      }
      return { kind: 'doctor', id, reason: definite[0]!.reason };
    }
    if (codeIds.length > 1) {
      const inter = name.kind === 'doctor' ? codeIds.filter((c) => c === name.id) : [];
      return inter.length === 1 ? { kind: 'doctor', id: inter[0]!, reason: 'hprim_name' } : { kind: 'ambiguous', candidates: codeIds };
    }
    return name;
  }

  private routeName(text: string): DocOutcome {
    if (nameTokens(text).length === 0) return { kind: 'unknown' };
    const full: string[] = [];
    const surname: string[] = [];
    for (const d of this.doctors) {
      const m = matchName(text, d);
      if (m === 'full') full.push(d.id);
      else if (m === 'surname') surname.push(d.id);
    }
    if (full.length === 1) return { kind: 'doctor', id: full[0]!, reason: 'hprim_name' };
    if (full.length > 1) return { kind: 'ambiguous', candidates: full };
    if (surname.length === 1) return { kind: 'doctor', id: surname[0]!, reason: 'hprim_name' };
    if (surname.length > 1) return { kind: 'ambiguous', candidates: surname };
    return { kind: 'unknown' };
  }

  /** Doctors named by the letter's addresses (the common address of the practice names nobody). */
  routeAddresses(addresses: readonly string[]): string[] {
    const out: string[] = [];
    for (const a of addresses) {
      const key = addressKey(a);
      const direct = this.byAddress.get(key);
      if (direct) out.push(direct);
      const local = key.split('@')[0] ?? '';
      const byLocal = this.byIdent.get(local);
      if (byLocal && key.endsWith('.apicrypt.org')) out.push(byLocal);
    }
    return unique(out);
  }
}

/** The key a rule is stored under for a sender: an address, or an HPRIM line-11 code or name. */
export function ruleKey(sender: string): string {
  const s = sender.trim();
  return s.includes('@') ? addressKey(s) : nameTokens(s).join(' ');
}

function reasonFr(reason: string, who: string): string {
  switch (reason) {
    case 'hprim_identifier':
      return `Ligne 12 HPRIM : identifiant APICRYPT du ${who}.`;
    case 'hprim_rpps':
      return `Ligne 12 HPRIM : numéro RPPS du ${who}.`;
    case 'hprim_code':
      return `Ligne 12 HPRIM : code attribué au ${who} par l’expéditeur.`;
    case 'hprim_name':
      return `Ligne 12 HPRIM : nom du ${who}.`;
    case 'address':
      return `Adresse du ${who}.`;
    default:
      return `Règle apprise : cet expéditeur écrit toujours au ${who}.`;
  }
}

/** Routes one letter. Pure: same input, same decision. */
export function routeLetter(dir: RoutingDirectory, input: RoutingInput, rules: readonly RoutingRule[] = []): RouteDecision {
  const docs = input.recipients.map((r) => dir.routeRecipient(r));
  const resolved = unique(docs.flatMap((d) => (d.kind === 'doctor' ? [d.id] : [])));
  const conflicts = docs.filter((d) => d.kind === 'conflict');
  const ambiguous = docs.flatMap((d) => (d.kind === 'ambiguous' ? [d.candidates] : []));
  const names = (ids: string[]) => ids.map((i) => dir.name(i)).join(', ');

  if (conflicts.length > 0 || resolved.length > 1 || (resolved.length === 1 && ambiguous.some((c) => !c.includes(resolved[0]!)))) {
    const candidates = unique([...resolved, ...conflicts.flatMap((c) => (c.kind === 'conflict' ? c.candidates : [])), ...ambiguous.flat()]);
    return {
      target: A_TRIER,
      reason: 'conflict',
      reason_fr: `Destinataires contradictoires dans la ligne 12 HPRIM (${names(candidates)}) : à attribuer à la main.`,
      candidates,
    };
  }
  if (resolved.length === 1) {
    const id = resolved[0]!;
    const first = docs.find((d) => d.kind === 'doctor')!;
    const reason = first.kind === 'doctor' ? first.reason : 'hprim_name';
    return { target: id, reason, reason_fr: reasonFr(reason, dir.name(id)) };
  }

  // Line 12 names nobody for sure: narrow with the addresses, then with the learned rules.
  const allowed = ambiguous.length > 0 ? ambiguous.reduce((a, c) => a.filter((x) => c.includes(x))) : undefined;
  const fits = (id: string) => allowed === undefined || allowed.includes(id);
  const byAddress = dir.routeAddresses(input.addresses ?? []).filter(fits);
  if (byAddress.length === 1) return { target: byAddress[0]!, reason: 'address', reason_fr: reasonFr('address', dir.name(byAddress[0]!)) };

  const senderKeys = unique([
    ...(input.sender ? [ruleKey(input.sender)] : []),
    ...(input.hprimSenders ?? []).flatMap((s) => [s.code ? ruleKey(s.code) : '', ruleKey(s.name)]).filter((k) => k !== ''),
  ]);
  const ruleIds = unique(rules.filter((r) => senderKeys.includes(ruleKey(r.sender))).map((r) => r.doctorId)).filter(fits);
  if (ruleIds.length === 1 && dir.doctors.some((d) => d.id === ruleIds[0])) {
    return { target: ruleIds[0]!, reason: 'rule', reason_fr: reasonFr('rule', dir.name(ruleIds[0]!)) };
  }

  if (ambiguous.length > 0 || byAddress.length > 1) {
    const candidates = unique([...(allowed ?? []), ...byAddress]);
    return {
      target: A_TRIER,
      reason: 'ambiguous',
      reason_fr: `Plusieurs médecins du cabinet correspondent au destinataire (${names(candidates)}) : à attribuer à la main.`,
      candidates,
    };
  }
  return {
    target: A_TRIER,
    reason: 'unknown',
    reason_fr: 'Aucun médecin du cabinet n’est reconnu comme destinataire : à attribuer à la main.',
    candidates: [],
  };
}
