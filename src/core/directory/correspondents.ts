/** The user's own correspondents: everyone who wrote to them or was written to, learnt from letters. */
import { parseAddress } from '../address';
import { displayNameOf, splitPersonName } from './names';
import { CORRESPONDENTS, type DirectoryEntry } from './types';

export interface CorrespondentInput {
  address: string;
  /** Display name from the letter's header, when there is one. */
  name?: string;
  /** A hospital user reached through an establishment proxy. */
  proxy?: boolean;
}

/**
 * The correspondent entry after one more letter: counts the exchange, keeps the newest name given and the
 * proxy flag last stated. Throws a PliError (see core/address) when the address is malformed.
 */
export function updateCorrespondent(prev: DirectoryEntry | undefined, input: CorrespondentInput, now: number): DirectoryEntry {
  const a = parseAddress(input.address);
  const key = `mail:${a.address.toLowerCase()}`;
  const e: DirectoryEntry = prev ? { ...prev } : { source: CORRESPONDENTS, key, displayName: a.address };
  const kind = a.kind === 'other' ? 'email' : a.kind;
  e[kind] = a.address;
  const name = input.name?.replace(/\s+/g, ' ').trim();
  if (name && name !== a.address) {
    const { surname, givenName } = splitPersonName(name);
    delete e.surname;
    delete e.givenName;
    if (surname) e.surname = surname;
    if (givenName) e.givenName = givenName;
    e.displayName = displayNameOf(surname, givenName, name);
  }
  if (input.proxy !== undefined) e.proxy = input.proxy;
  e.uses = (e.uses ?? 0) + 1;
  e.lastUsed = now;
  return e;
}
