/** The shapes of the group-practice routing engine (pure: no I/O). */

/** What the engine knows of one doctor of the practice. */
export interface RoutingDoctor {
  id: string;
  firstName: string;
  surname: string;
  /** APICRYPT identifier, the local part of the address: `claire.MARTIN`. */
  apicryptId: string;
  /** 11-digit RPPS number. */
  rpps?: string;
  /** Codes that senders (labs) put in the 10-character field of HPRIM line 12 for this doctor. */
  hprimCodes?: string[];
  /** Other addresses of this doctor (a personal APICRYPT or MSSanté box). */
  addresses?: string[];
}

/** A learned rule: letters from this sender always go to this doctor. */
export interface RoutingRule {
  /** Sender key: an address (compared case-insensitively) or an HPRIM line-11 sender code/name. */
  sender: string;
  doctorId: string;
  createdBy?: string;
  createdAt?: number;
}

/** The recipient of one HPRIM document, as parsed from line 12. */
export interface RecipientField {
  code?: string;
  name: string;
}

export interface RoutingInput {
  /** Line 12 of each document of the letter (one entry per document). */
  recipients: RecipientField[];
  /** The letter's addresses (To, trailer recipients); the practice's common address is ignored. */
  addresses?: string[];
  /** The sender's address. */
  sender?: string;
  /** Line 11 of each document (sender code/name), for rules keyed on the HPRIM sender. */
  hprimSenders?: RecipientField[];
}

export type RouteReason =
  | 'hprim_identifier'
  | 'hprim_rpps'
  | 'hprim_code'
  | 'hprim_name'
  | 'address'
  | 'rule'
  | 'ambiguous'
  | 'conflict'
  | 'unknown';

export const A_TRIER = 'a_trier' as const;

export type RouteDecision =
  | { target: string; reason: Exclude<RouteReason, 'ambiguous' | 'conflict' | 'unknown'>; reason_fr: string }
  | { target: typeof A_TRIER; reason: 'ambiguous' | 'conflict' | 'unknown'; reason_fr: string; candidates: string[] };
