import type { Database } from 'better-sqlite3-multiple-ciphers';

/**
 * Numbered, forward-only migrations. Each runs in its own transaction and sets `user_version`; a
 * released migration is never edited, only followed by a new one (with a fixture database in
 * tests/fixtures/mailbox/ for every released version).
 */
export interface Migration {
  version: number;
  up: (db: Database) => void;
}

export const SYSTEM_FOLDERS = [
  { role: 'reception', name: 'Réception' },
  { role: 'outbox', name: 'À envoyer' },
  { role: 'sent', name: 'Envoyés' },
  { role: 'drafts', name: 'Brouillons' },
  { role: 'review', name: 'À vérifier' },
  { role: 'archive', name: 'Archives' },
  { role: 'trash', name: 'Corbeille' },
] as const;
/** 'blocked' (« Bloqués ») is added by the directory migration, not by version 1. */
export type FolderRole = (typeof SYSTEM_FOLDERS)[number]['role'] | 'blocked';

const V1 = `
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('system', 'user', 'doctor')),
  role TEXT UNIQUE,
  name TEXT NOT NULL,
  parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
  owner TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX folders_unique_name ON folders (coalesce(parent_id, 0), name);

CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  nir TEXT UNIQUE,
  surname TEXT NOT NULL,
  first_name TEXT NOT NULL,
  birth_date TEXT,
  name_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX patients_name_key ON patients (name_key);

-- Narrow rows for fast lists; texts and original bytes live in letter_bodies.
CREATE TABLE letters (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders(id),
  kind TEXT NOT NULL,
  content_hash BLOB NOT NULL UNIQUE,
  subject TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  recipients TEXT NOT NULL DEFAULT '[]',
  message_id TEXT,
  apicrypt_id TEXT,
  patient_id INTEGER REFERENCES patients(id),
  patient_surname TEXT,
  patient_first_name TEXT,
  patient_birth_date TEXT,
  patient_nir TEXT,
  document_date TEXT,
  received_at INTEGER NOT NULL,
  sent_at INTEGER,
  is_read INTEGER NOT NULL DEFAULT 0,
  is_flagged INTEGER NOT NULL DEFAULT 0,
  is_exported INTEGER NOT NULL DEFAULT 0,
  signature_status TEXT,
  signature_reason TEXT,
  review_code TEXT,
  review_message TEXT,
  has_abnormal INTEGER NOT NULL DEFAULT 0,
  attachment_count INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  trashed_from INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX letters_folder_date ON letters (folder_id, received_at DESC, id DESC);
CREATE INDEX letters_date ON letters (received_at DESC, id DESC);
CREATE INDEX letters_patient_date ON letters (patient_id, received_at DESC, id DESC);
CREATE INDEX letters_sender ON letters (sender);
CREATE INDEX letters_message_id ON letters (message_id);

CREATE TABLE letter_bodies (
  letter_id INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
  body TEXT NOT NULL DEFAULT '',
  payload BLOB,
  raw BLOB
);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  mime TEXT NOT NULL DEFAULT 'application/octet-stream',
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  UNIQUE (letter_id, idx)
);

CREATE TABLE lab_results (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
  patient_id INTEGER REFERENCES patients(id),
  analyte_code TEXT NOT NULL,
  analyte_label TEXT NOT NULL DEFAULT '',
  date TEXT,
  value TEXT NOT NULL DEFAULT '',
  numeric_value REAL,
  unit TEXT,
  low REAL,
  high REAL,
  flag TEXT,
  abnormal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX lab_results_history ON lab_results (patient_id, analyte_code, date);
CREATE INDEX lab_results_letter ON lab_results (letter_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
  recipient TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  updated_at INTEGER NOT NULL,
  UNIQUE (letter_id, recipient)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE export_log (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
  document_index INTEGER NOT NULL DEFAULT 0,
  profile TEXT NOT NULL,
  file_name TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'staged', 'done')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (letter_id, document_index, profile)
);
CREATE INDEX export_log_state ON export_log (state);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  protocol TEXT NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  username TEXT NOT NULL,
  password TEXT,
  security TEXT NOT NULL DEFAULT 'tls',
  trusted_fingerprints TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE keys (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  year INTEGER NOT NULL,
  tag TEXT NOT NULL DEFAULT '',
  index_max INTEGER NOT NULL,
  crc INTEGER NOT NULL,
  pad BLOB NOT NULL,
  start_offset INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'master', 'group')),
  source TEXT NOT NULL DEFAULT '',
  imported_at INTEGER NOT NULL,
  UNIQUE (owner, year, crc)
);

-- The pad ledger: a range is reserved (durably) before any ciphertext exists, then marked used;
-- ranges left reserved by a dead process are abandoned, never reused.
CREATE TABLE pad_reservations (
  id INTEGER PRIMARY KEY,
  key_id INTEGER NOT NULL REFERENCES keys(id),
  start INTEGER NOT NULL CHECK (start >= 0),
  length INTEGER NOT NULL CHECK (length > 0),
  letter_ref TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'reserved' CHECK (state IN ('reserved', 'used', 'abandoned')),
  session TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (key_id, start)
);
CREATE INDEX pad_reservations_state ON pad_reservations (state, session);

CREATE TABLE card_identities (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  holder TEXT NOT NULL,
  rpps TEXT,
  certificate BLOB,
  added_at INTEGER NOT NULL
);

CREATE VIRTUAL TABLE letters_fts USING fts5 (
  subject, body, patient, sender,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
`;

/**
 * Refills a recreated (contentless, so not rebuildable in place) letters_fts from the letters, for
 * migrations 7 and 10. Frozen like them: a later change of the index brings its own statement.
 */
const FILL_LETTERS_FTS = `
INSERT INTO letters_fts (rowid, subject, body, patient, sender)
  SELECT l.id, l.subject, coalesce(b.body, ''),
    CASE WHEN l.patient_surname IS NULL THEN '' ELSE l.patient_surname || ' ' || coalesce(l.patient_first_name, '') END,
    l.sender
  FROM letters l LEFT JOIN letter_bodies b ON b.letter_id = l.id;
`;

export const migrations: Migration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(V1);
      const now = Date.now();
      const ins = db.prepare("INSERT INTO folders (kind, role, name, position, created_at) VALUES ('system', ?, ?, ?, ?)");
      SYSTEM_FOLDERS.forEach((f, i) => ins.run(f.role, f.name, i, now));
    },
  },
  {
    // Receive pipeline: every server message fetched per account, so that a message is stored once and
    // the server copy is marked seen / deleted only after the store transaction.
    version: 2,
    up: (db) => {
      db.exec(`
CREATE TABLE received_messages (
  account TEXT NOT NULL,
  mailbox TEXT NOT NULL,
  uid TEXT NOT NULL,
  content_hash BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('fetched', 'stored', 'seen', 'deleted')),
  letter_id INTEGER REFERENCES letters(id) ON DELETE SET NULL,
  size INTEGER NOT NULL DEFAULT 0,
  fetched_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account, mailbox, uid)
);
CREATE INDEX received_messages_state ON received_messages (account, state, fetched_at);
CREATE INDEX received_messages_letter ON received_messages (letter_id);
`);
    },
  },
  {
    // Send pipeline: per outgoing letter, what the pipeline needs to (re)do its work after a restart.
    // `sealed` is the complete encrypted message: once it exists, retries resubmit these same bytes and
    // never spend new pad bytes on the same letter.
    version: 3,
    up: (db) => {
      db.exec(`
CREATE TABLE outbox_letters (
  letter_id INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
  sender TEXT NOT NULL,
  cc TEXT NOT NULL DEFAULT '[]',
  sign INTEGER NOT NULL DEFAULT 0,
  max_bytes INTEGER NOT NULL,
  sealed BLOB,
  sealed_at INTEGER,
  warnings TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
`);
    },
  },
  {
    // Migration from a legacy installation: per source (mbox file, Maildir, folder), how far the import
    // got, committed in the same transaction as each batch of letters so a restart never duplicates.
    version: 4,
    up: (db) => {
      db.exec(`
CREATE TABLE migration_progress (
  source TEXT PRIMARY KEY,
  position INTEGER NOT NULL DEFAULT 0,
  position_name TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  counts TEXT NOT NULL DEFAULT '{}',
  problems TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL
);
`);
    },
  },
  {
    // The drop-folder exporter's journal: one row per document and practice profile, with the bytes to
    // write kept (encrypted like everything here) until the file is in the folder. Replaces the unused
    // export_log of version 1.
    version: 5,
    up: (db) => {
      db.exec(`
DROP TABLE IF EXISTS export_log;
CREATE TABLE drop_exports (
  id INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
  doc_index INTEGER NOT NULL,
  profile TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'staged', 'done', 'failed')),
  entry TEXT NOT NULL,
  content BLOB,
  updated_at INTEGER NOT NULL,
  UNIQUE (letter_id, doc_index, profile)
);
CREATE INDEX drop_exports_unfinished ON drop_exports (profile, state);
`);
    },
  },
  {
    // Directory (issue 11): entries of every source cached for offline search, with two contentless FTS
    // indexes (directories; own correspondents, small, so they are never crowded out), the block list and
    // the « Bloqués » system folder (a root user folder of that name becomes it).
    version: 6,
    up: (db) => {
      db.exec(`
CREATE TABLE directory_sources (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('file', 'ldap', 'correspondents')),
  label TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  entries INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE directory_entries (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  surname TEXT,
  given_name TEXT,
  display_name TEXT NOT NULL,
  profession TEXT,
  specialty TEXT,
  street TEXT,
  postal_code TEXT,
  city TEXT,
  phone TEXT,
  apicrypt TEXT,
  mssante TEXT,
  email TEXT,
  rpps TEXT,
  adeli TEXT,
  proxy INTEGER,
  uses INTEGER,
  last_used INTEGER,
  name_key TEXT,
  UNIQUE (source, key)
);
CREATE INDEX directory_entries_name ON directory_entries (name_key) WHERE name_key IS NOT NULL;
CREATE VIRTUAL TABLE directory_fts USING fts5 (
  surname, given_name, profession, specialty, city, postal_code, addr, ids,
  content = '', contentless_delete = 1, detail = column,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE VIRTUAL TABLE correspondents_fts USING fts5 (
  surname, given_name, profession, specialty, city, postal_code, addr, ids,
  content = '', contentless_delete = 1, detail = column,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE TABLE blocked_senders (
  key TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('format', 'unwanted', 'other')),
  note TEXT,
  notify INTEGER NOT NULL DEFAULT 0,
  since TEXT NOT NULL
);
`);
      const own = db.prepare("SELECT id FROM folders WHERE parent_id IS NULL AND name = 'Bloqués' AND kind = 'user'").get() as { id: number } | undefined;
      if (own) db.prepare("UPDATE folders SET kind = 'system', role = 'blocked', position = 7 WHERE id = ?").run(own.id);
      else {
        const taken = db.prepare("SELECT 1 FROM folders WHERE parent_id IS NULL AND name = 'Bloqués'").get() !== undefined;
        db.prepare("INSERT INTO folders (kind, role, name, position, created_at) VALUES ('system', 'blocked', ?, 7, ?)").run(taken ? 'Bloqués (expéditeurs)' : 'Bloqués', Date.now());
      }
    },
  },
  {
    // Letter search index without token positions (detail = column): searches are prefix words ANDed,
    // never phrases, so positions were a third of every insert's index work and pages (each one
    // encrypted twice through the WAL). A contentless index cannot be rebuilt in place: it is
    // recreated and refilled from the letters.
    version: 7,
    up: (db) => {
      db.exec(`
DROP TABLE letters_fts;
CREATE VIRTUAL TABLE letters_fts USING fts5 (
  subject, body, patient, sender,
  content = '', contentless_delete = 1, detail = column,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
${FILL_LETTERS_FTS}`);
    },
  },
  {
    // Signature details (who signed, certificate validity, signing time) for the reader, the HTML
    // version of plain mails for the sandboxed view, and the sender's address as written (the network's
    // key names are case-sensitive: a reply must go to paul.MARTIN, not paul.martin; `sender` stays the
    // lower-case key for filters).
    version: 8,
    up: (db) => {
      db.exec(`
ALTER TABLE letters ADD COLUMN signature_signer TEXT;
ALTER TABLE letters ADD COLUMN sender_display TEXT;
ALTER TABLE letter_bodies ADD COLUMN html TEXT;
`);
    },
  },
  {
    // Folder counts (total and unread, asked for with every folder list) read from an index alone:
    // without it, the unread count of a 100,000-letter Réception visits every letter row (~0.2 s cold).
    version: 9,
    up: (db) => {
      db.exec('CREATE INDEX letters_folder_unread ON letters (folder_id, is_read)');
    },
  },
  {
    // Insert cost at 100,000 letters is dominated by pages written (each one encrypted): indexes whose keys
    // arrive in random order dirty a page per letter. `letters_message_id` served no query; the lab
    // history index (random by patient, ~10 entries per lab letter) is replaced by the patient's letters
    // (letters_patient_date) and their results (lab_results_letter, written in order). A payload that is
    // exactly the text's bytes (Latin-1 or UTF-8) is kept once: `payload_encoding` says how to rebuild it.
    // The search index keeps rowids only (detail = none): searches are words ANDed by prefix, with no
    // column filter and no phrase, so the column lists were written for nothing (recreated and refilled,
    // as in version 7).
    version: 10,
    up: (db) => {
      db.exec(`
DROP INDEX letters_message_id;
DROP INDEX lab_results_history;
ALTER TABLE letter_bodies ADD COLUMN payload_encoding TEXT CHECK (payload_encoding IN ('latin1', 'utf8'));
DROP TABLE letters_fts;
CREATE VIRTUAL TABLE letters_fts USING fts5 (
  subject, body, patient, sender,
  content = '', contentless_delete = 1, detail = none,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
${FILL_LETTERS_FTS}`);
    },
  },
  {
    // The letters' search index moves to its own database (mailbox.search.db), written by its own worker
    // in parallel with the store; it is filled from the letters when the mailbox next opens.
    // search_pending lists letters whose entry must be replaced (re-read from "À vérifier"), until the
    // index has it: the repair if Pli stops between the two commits.
    // The patients' letters index loses its date: its keys arrive in random order (by patient), so every
    // batch rewrites (and journals) most of its pages; smaller entries, fewer pages. A patient's letters
    // are few enough to sort.
    version: 11,
    up: (db) => {
      db.exec(`
DROP INDEX letters_patient_date;
CREATE INDEX letters_patient ON letters (patient_id);
DROP TABLE letters_fts;
CREATE TABLE search_pending (
  seq INTEGER PRIMARY KEY,
  letter_id INTEGER NOT NULL
);`);
    },
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
