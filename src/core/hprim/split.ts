/**
 * One complete file per document for the drop folder (spec §4): header, text, LAB block, ****FIN****,
 * ****FINFICHIER****. HPRIM Médecins documents keep their lines as received (only the charset and line
 * ends follow the target profile); HPRIM Santé documents are converted to HPRIM Médecins, which is what
 * practice software reads from the drop folder.
 */
import { encodeText } from './charset-encode';
import type { HprimFile, WriterProfile } from './types';
import { DEFAULT_WRITER_PROFILE } from './types';
import { documentLines, toDocumentInput } from './writer';

const EOL = { crlf: '\r\n', lf: '\n', cr: '\r' } as const;

export interface SplitFile {
  bytes: Uint8Array;
  /** Characters transliterated for the target charset. */
  replaced: string[];
}

export function splitDocuments(file: HprimFile, profile: WriterProfile = DEFAULT_WRITER_PROFILE): SplitFile[] {
  const eol = EOL[profile.lineEnd];
  const tail = profile.finFichier === false ? ['****FIN****'] : ['****FIN****', '****FINFICHIER****'];
  return file.documents.map((doc) => {
    let lines: string[];
    if (file.kind === 'sante') {
      try {
        lines = documentLines(toDocumentInput(doc), profile);
        if (profile.finFichier !== false) lines.push('****FINFICHIER****');
      } catch {
        // Not convertible (no birth date...): hand over the records themselves, still one complete file.
        lines = [...doc.raw.split('\n'), ...tail];
      }
    } else {
      lines = [...doc.raw.split('\n'), ...tail];
    }
    return encodeText(lines.join(eol) + eol, profile.charset);
  });
}
