import type { TrustAnchors } from '../../../core/signature';
import type { LetterInput } from '../../store/types';
import type { KeySnapshot } from './keys';

/** What the letter-reading thread starts with: the keys of the run, and the signature trust. */
export interface ReaderInit {
  keys: KeySnapshot;
  trust?: TrustAnchors;
}

/** Raw messages to read, in order; each one's buffer is transferred (the thread sends it back in `letters`). */
export interface ReaderRequest {
  id: number;
  raws: Uint8Array[];
}

/** The keys (and trust) of a new run, for the requests that follow it (a thread kept between runs). */
export interface ReaderUse {
  use: ReaderInit;
}

export type ReaderReply =
  | { id: number; letters: LetterInput[] }
  | { id: number; error: { code: string; message_fr: string; message: string } };
