import { z } from 'zod';

/**
 * Domain shapes that cross the contract: what the UI shows of letters, patients, keys and accounts.
 * They are views built by the host from the mailbox, never raw rows; nothing here holds a password,
 * a PIN or a pad byte.
 */

export const FolderKind = z.enum(['reception', 'outbox', 'sent', 'drafts', 'review', 'archive', 'trash', 'blocked', 'user', 'doctor']);
export type FolderKind = z.infer<typeof FolderKind>;

export const Folder = z.object({
  id: z.string(),
  kind: FolderKind,
  name: z.string(),
  unread: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type Folder = z.infer<typeof Folder>;

export const SignatureStatus = z.enum(['valid', 'invalid', 'unknown_signer', 'not_signed']);
export type SignatureStatus = z.infer<typeof SignatureStatus>;

export const PatientRef = z.object({
  id: z.string().optional(),
  surname: z.string(),
  firstName: z.string(),
  /** ISO date (YYYY-MM-DD) when known. */
  birthDate: z.string().optional(),
  /** Masked for display (e.g. "1 85 03 75 *** *** **"); the full NIR never crosses the contract. */
  nirMasked: z.string().optional(),
  /** The patient's code at the sender (HPRIM header line 1). */
  code: z.string().optional(),
});
export type PatientRef = z.infer<typeof PatientRef>;

export const LetterSummary = z.object({
  id: z.string(),
  folderId: z.string(),
  subject: z.string(),
  sender: z.string(),
  recipients: z.array(z.string()),
  /** ISO timestamp: received (or sent) date. */
  date: z.string(),
  documentDate: z.string().optional(),
  patient: PatientRef.optional(),
  read: z.boolean(),
  flagged: z.boolean(),
  hasLab: z.boolean(),
  abnormal: z.boolean(),
  attachments: z.number().int().nonnegative(),
  signature: SignatureStatus,
  /** Export to the practice software: not applicable, waiting for the folder, done, failed. */
  export: z.enum(['none', 'pending', 'done', 'failed']),
  /** Why the letter is in "À vérifier" (French), if it is. */
  problem: z.string().optional(),
});
export type LetterSummary = z.infer<typeof LetterSummary>;

export const LabResult = z.object({
  label: z.string(),
  code: z.string().optional(),
  value: z.string(),
  numericValue: z.number().optional(),
  unit: z.string().optional(),
  low: z.string().optional(),
  high: z.string().optional(),
  flag: z.string().optional(),
  abnormal: z.boolean(),
  status: z.string().optional(),
});
export type LabResult = z.infer<typeof LabResult>;

export const LetterDocument = z.object({
  patient: PatientRef.optional(),
  documentDate: z.string().optional(),
  sender: z.string().optional(),
  recipient: z.string().optional(),
  text: z.string(),
  lab: z.array(LabResult),
});
export type LetterDocument = z.infer<typeof LetterDocument>;

export const AttachmentInfo = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  mediaType: z.string(),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfo>;

/** Who signed, from the signer's certificate: shown in the signature details. */
export const SignerDetail = z.object({
  name: z.string(),
  rpps: z.string().optional(),
  adeli: z.string().optional(),
  profession: z.string().optional(),
  issuer: z.string().optional(),
  notBefore: z.string(),
  notAfter: z.string(),
  signingTime: z.string().optional(),
});
export type SignerDetail = z.infer<typeof SignerDetail>;

export const LetterDetail = LetterSummary.extend({
  documents: z.array(LetterDocument),
  attachmentList: z.array(AttachmentInfo),
  signatureReason: z.string().optional(),
  signer: z.string().optional(),
  signerDetail: SignerDetail.optional(),
  /** The HTML version of a plain mail (rare): the reader shows it only in a sandboxed view. */
  html: z.string().optional(),
  messageId: z.string().optional(),
  /** French reason and the action offered when the letter could not be read. */
  problemCode: z.string().optional(),
});
export type LetterDetail = z.infer<typeof LetterDetail>;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional(), total: z.number().int().optional() });

export const SearchFilters = z
  .object({
    folderId: z.string().optional(),
    patientId: z.string().optional(),
    sender: z.string().max(200).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    abnormalOnly: z.boolean().optional(),
  })
  .strict();
export type SearchFilters = z.infer<typeof SearchFilters>;

export const LabPoint = z.object({
  date: z.string(),
  value: z.number(),
  unit: z.string().optional(),
  low: z.number().optional(),
  high: z.number().optional(),
  abnormal: z.boolean(),
  letterId: z.string().optional(),
});
export const LabSeries = z.object({ analyte: z.string(), label: z.string(), unit: z.string().optional(), points: z.array(LabPoint) });
export type LabSeries = z.infer<typeof LabSeries>;

export const PatientSummary = PatientRef.extend({ id: z.string(), letters: z.number().int().nonnegative(), lastDate: z.string().optional() });
export type PatientSummary = z.infer<typeof PatientSummary>;

export const KeyInfo = z.object({
  owner: z.string(),
  year: z.number().int(),
  kind: z.enum(['user', 'master', 'group']),
  size: z.number().int(),
  used: z.number().int(),
  /** 0..1; warnings at 0.8 and 0.95. */
  usedRatio: z.number(),
  importedAt: z.string(),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const KeyImportReport = z.object({
  imported: z.array(z.string()),
  alreadyPresent: z.array(z.string()),
  unsupported: z.array(z.string()),
  rejected: z.array(z.object({ file: z.string(), code: z.string(), message_fr: z.string() })),
  /** Letters of "À vérifier" that could be read thanks to the new keys. */
  recovered: z.number().int().nonnegative(),
});
export type KeyImportReport = z.infer<typeof KeyImportReport>;

export const AttachmentUpload = z.object({
  name: z.string().min(1).max(255),
  mediaType: z.string().max(100).default('application/octet-stream'),
  /** Base64 content: the web shell has no file handles. */
  base64: z.string().max(14_000_000),
});

export const Draft = z
  .object({
    to: z.array(z.string().max(320)).min(1).max(50),
    cc: z.array(z.string().max(320)).max(50).default([]),
    subject: z.string().max(200),
    patient: z
      .object({
        surname: z.string().max(100),
        firstName: z.string().max(100),
        birthDate: z.string().max(10),
        nir: z.string().max(30).optional(),
        /** The patient's code at the sender (HPRIM header line 1). */
        code: z.string().max(20).optional(),
        /** The document's date (HPRIM header line 10), ISO or JJ/MM/AAAA; today when absent. */
        documentDate: z.string().max(10).optional(),
      })
      .optional(),
    text: z.string().max(10_000_000),
    attachments: z.array(AttachmentUpload).max(100).default([]),
    sign: z.boolean().default(false),
  })
  .strict();
export type Draft = z.input<typeof Draft>;

export const AccountKind = z.enum(['pop3', 'imap']);
export const Account = z.object({
  id: z.string(),
  address: z.string(),
  preset: z.enum(['apicrypt', 'generic']),
  incoming: z.object({ kind: AccountKind, host: z.string(), port: z.number().int(), security: z.enum(['starttls', 'tls']), user: z.string() }),
  outgoing: z.object({ host: z.string(), port: z.number().int(), security: z.enum(['starttls', 'tls']), user: z.string() }),
  hasPassword: z.boolean(),
});
export type Account = z.infer<typeof Account>;

export const ConnectionStep = z.object({ step: z.string(), ok: z.boolean(), ms: z.number(), message_fr: z.string() });

export const CardStatus = z.object({
  present: z.boolean(),
  loggedIn: z.boolean(),
  holder: z.string().optional(),
  profession: z.string().optional(),
  rpps: z.string().optional(),
  /** The card differs from the one remembered with the profile. */
  newCard: z.boolean(),
  triesLeft: z.number().int().optional(),
});
export type CardStatus = z.infer<typeof CardStatus>;

export const KeyMediumCandidate = z.object({
  path: z.string(),
  /** "Clé USB", "Dossier C:\\apicrypt"… */
  label: z.string(),
  keyFiles: z.number().int().nonnegative(),
});
export type KeyMediumCandidate = z.infer<typeof KeyMediumCandidate>;

/** A practice software's drop folder and how files are written for it (spec hprim.md §4). */
export const PracticeProfileView = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  folder: z.string().max(4096),
  fileNamePattern: z.string().min(1).max(200),
  extension: z.string().max(10),
  charset: z.enum(['windows-1252', 'iso-8859-1', 'utf-8']),
  lineEnd: z.enum(['crlf', 'lf', 'cr']),
  line13: z.enum(['empty', 'space', 'none']),
  line1: z.enum(['patient_code', 'result_title']),
  okFile: z.boolean(),
  enabled: z.boolean(),
  /** Outgoing letters dropped here by the practice software are picked up and sent. */
  outgoingFolder: z.string().max(4096).optional(),
});
export type PracticeProfileView = z.infer<typeof PracticeProfileView>;

/** A correspondent or directory entry, merged across sources (files, LDAP, own correspondents). */
export const DirectoryEntryView = z.object({
  displayName: z.string(),
  surname: z.string().optional(),
  givenName: z.string().optional(),
  profession: z.string().optional(),
  specialty: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  phone: z.string().optional(),
  /** Addresses by network, most specific first: APICRYPT, MSSanté. */
  addresses: z.array(z.string()),
  rpps: z.string().optional(),
  sources: z.array(z.enum(['file', 'ldap', 'correspondents'])),
  proxy: z.boolean().optional(),
  blocked: z.boolean(),
});
export type DirectoryEntryView = z.infer<typeof DirectoryEntryView>;

export const BlockReason = z.enum(['format', 'unwanted', 'other']);
export const BlockedSenderView = z.object({
  address: z.string(),
  reason: BlockReason,
  note: z.string().optional(),
  notify: z.boolean(),
  since: z.string(),
});
export type BlockedSenderView = z.infer<typeof BlockedSenderView>;

export const LdapSettings = z.object({
  url: z.string().max(500),
  baseDn: z.string().max(500),
  bindDn: z.string().max(500).optional(),
  /** CA certificate (PEM) for a server whose certificate is not from a public authority. */
  caPem: z.string().max(20_000).optional(),
  startTls: z.boolean().default(false),
});
export type LdapSettings = z.infer<typeof LdapSettings>;

/** Something the old installation left that Pli can import (spec: migration issue). */
export const LegacySourceView = z.object({
  kind: z.enum(['keys', 'mbox', 'maildir', 'eml', 'hprim', 'legacy-store']),
  path: z.string(),
  bytes: z.number(),
  files: z.number().int().optional(),
});
export type LegacySourceView = z.infer<typeof LegacySourceView>;

export const MigrationReportView = z.object({
  dryRun: z.boolean(),
  cancelled: z.boolean(),
  imported: z.number().int(),
  alreadyPresent: z.number().int(),
  notDecryptable: z.number().int(),
  notReadable: z.number().int(),
  recovered: z.number().int(),
  /** The full report in French, for the user to read and save. */
  text: z.string(),
});
export type MigrationReportView = z.infer<typeof MigrationReportView>;

// ---- Group practice (issue 10): people, practice setup, audit, secretariat dashboard ----

export const Role = z.enum(['doctor', 'secretary', 'administrator']);
export type Role = z.infer<typeof Role>;

/** A person of the practice as the sign-in screen and the settings show them (never a password). */
export const PersonView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  doctorId: z.string().optional(),
});
export type PersonView = z.infer<typeof PersonView>;

const GroupId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/);
export const PracticeDoctorView = z.object({
  id: GroupId,
  firstName: z.string().max(60),
  surname: z.string().max(60),
  /** Local part of the doctor's APICRYPT address: `claire.MARTIN`. */
  apicryptId: z.string().max(100),
  rpps: z.string().max(11).optional(),
  /** The drop-folder profile (Paramètres > Logiciel métier) of this doctor's practice software. */
  dropProfileId: z.string().max(64).optional(),
  hprimCodes: z.array(z.string().max(10)).max(20).optional(),
  addresses: z.array(z.string().max(320)).max(20).optional(),
  delegates: z.array(z.string().max(40)).max(50).optional(),
  /** Whether a CPS card is remembered for this doctor (its fingerprint stays in the host). */
  hasCard: z.boolean().optional(),
});
export type PracticeDoctorView = z.infer<typeof PracticeDoctorView>;

export const PracticeSetupView = z.object({
  mode: z.enum(['individual', 'group']),
  name: z.string().max(80).optional(),
  groupKeyOwner: z.string().max(100).optional(),
  commonAddress: z.string().max(320).optional(),
  doctors: z.array(PracticeDoctorView).max(100),
  staff: z.array(z.object({ id: GroupId, name: z.string().max(80) })).max(100),
});
export type PracticeSetupView = z.infer<typeof PracticeSetupView>;

/** Who is signed in, and what the window should offer them. */
export const GroupSessionView = z.object({
  mode: z.enum(['individual', 'group']),
  person: PersonView.optional(),
  /** Doctors of the practice (id and display name), for "Attribuer à…". */
  doctors: z.array(z.object({ id: z.string(), name: z.string() })),
  canSort: z.boolean(),
  canAdminister: z.boolean(),
});
export type GroupSessionView = z.infer<typeof GroupSessionView>;

export const AuditEntryView = z.object({
  at: z.string(),
  actor: z.string(),
  actorName: z.string(),
  action: z.string(),
  actionLabel: z.string(),
  target: z.string().optional(),
  outcome: z.enum(['allowed', 'refused', 'none']),
  details: z.string().optional(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const GroupDashboardView = z.object({
  aTrier: z.object({ folderId: z.string(), total: z.number().int(), unread: z.number().int() }),
  doctors: z.array(z.object({ doctorId: z.string(), name: z.string(), folderId: z.string(), total: z.number().int(), unread: z.number().int() })),
  /** Letters routed to a doctor whose drop-folder export is not finished. */
  exportsPending: z.number().int(),
  outbox: z.number().int(),
});
export type GroupDashboardView = z.infer<typeof GroupDashboardView>;
