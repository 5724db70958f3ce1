/** Export of the user's correspondents as a CSV file for their records (French Excel opens it as is). */
import { classifyAddress } from '../address';
import { BLOCK_REASONS, type BlockedSender } from './block';
import { writeCsv } from './csv';
import { frenchOrder } from './text';
import { entryAddresses, type DirectoryEntry } from './types';

const KIND_LABEL = { apicrypt: 'APICRYPT', mssante: 'MSSanté', other: 'Autre' } as const;

export function exportCorrespondentsCsv(entries: readonly DirectoryEntry[], blocked: readonly BlockedSender[] = []): Uint8Array {
  const blockedBy = new Map(blocked.map((b) => [b.key, b]));
  const rows: string[][] = [
    ['Nom', 'Prénom', 'Adresse', 'Réseau', 'Utilisateur proxy', 'Profession', 'Spécialité', 'Ville', 'RPPS', 'Messages échangés', 'Dernier échange', 'Bloqué'],
  ];
  const sorted = [...entries].sort((a, b) => frenchOrder(a.displayName, b.displayName));
  for (const e of sorted) {
    const address = entryAddresses(e)[0] ?? '';
    const b = blockedBy.get(address.toLowerCase());
    rows.push([
      e.surname ?? (e.givenName ? '' : e.displayName),
      e.givenName ?? '',
      address,
      KIND_LABEL[classifyAddress(address) ?? 'other'],
      e.proxy ? 'oui' : 'non',
      e.profession ?? '',
      e.specialty ?? '',
      e.city ?? '',
      e.rpps ?? '',
      String(e.uses ?? 0),
      e.lastUsed ? new Date(e.lastUsed).toISOString().slice(0, 10) : '',
      b ? BLOCK_REASONS[b.reason] : '',
    ]);
  }
  return writeCsv(rows);
}
