import { z } from 'zod';
import { commandNames, eventNames, type CommandName, type EventName } from './names';
import {
  Account,
  BlockReason,
  BlockedSenderView,
  DirectoryEntryView,
  LdapSettings,
  LegacySourceView,
  MigrationReportView,
  AuditEntryView,
  GroupDashboardView,
  GroupSessionView,
  PersonView,
  PracticeSetupView,
  Role,
  CardStatus,
  ConnectionStep,
  Draft,
  Folder,
  KeyImportReport,
  KeyInfo,
  KeyMediumCandidate,
  LabSeries,
  LetterDetail,
  LetterSummary,
  Page,
  PatientSummary,
  PracticeProfileView,
  SearchFilters,
} from './domain';
import { Settings, SettingsPatch } from './settings';

/**
 * The one contract between the UI and the host. Every command is a request/response pair and every
 * event a payload, each with a schema: both shells (Electron IPC, web WebSocket) validate what crosses.
 * Adding a capability means adding it here first; the preload's allow-lists are derived from these names.
 */
export const ProfileStatus = z.enum(['new', 'locked', 'open']);
export type ProfileStatus = z.infer<typeof ProfileStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['electron', 'web', 'test']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });
// Passwords cross once, from the input field to the host; bounded so a hostile page cannot stall scrypt.
const Password = z.string().min(1).max(512);
const Id = z.string().min(1).max(100);
const Cursor = z.string().max(200).optional();
const Limit = z.number().int().min(1).max(200).default(50);

export const commands = {
  'app.info': { request: Empty, response: AppInfo },
  'profile.status': { request: Empty, response: z.object({ status: ProfileStatus }) },
  'profile.create': {
    request: z.object({ password: Password, confirmation: Password }).strict(),
    response: z.object({ recoveryCode: z.string() }),
  },
  // In a group practice, `personId` opens that person's session with their own password.
  'profile.unlock': { request: z.object({ password: Password, personId: Id.optional() }).strict(), response: z.object({ status: ProfileStatus }) },
  'profile.recover': {
    request: z.object({ recoveryCode: z.string().min(1).max(200), newPassword: Password }).strict(),
    response: z.object({ status: ProfileStatus }),
  },
  'profile.changePassword': {
    request: z.object({ oldPassword: Password, newPassword: Password }).strict(),
    response: Ok,
  },
  'profile.lock': { request: Empty, response: z.object({ status: ProfileStatus }) },
  'settings.get': { request: Empty, response: Settings },
  'settings.update': { request: z.object({ patch: SettingsPatch }).strict(), response: Settings },
  'folders.list': { request: Empty, response: z.object({ folders: z.array(Folder) }) },
  'letters.list': {
    request: z.object({ folderId: Id, cursor: Cursor, limit: Limit }).strict(),
    response: Page(LetterSummary),
  },
  'letters.search': {
    request: z.object({ query: z.string().max(500), filters: SearchFilters.default({}), cursor: Cursor, limit: Limit }).strict(),
    response: Page(LetterSummary),
  },
  'letters.get': { request: z.object({ id: Id }).strict(), response: LetterDetail },
  'letters.setFlags': {
    request: z.object({ ids: z.array(Id).min(1).max(1000), read: z.boolean().optional(), flagged: z.boolean().optional() }).strict(),
    response: Ok,
  },
  'letters.move': { request: z.object({ ids: z.array(Id).min(1).max(1000), folderId: Id }).strict(), response: Ok },
  'letters.retry': { request: z.object({ id: Id }).strict(), response: LetterSummary },
  'letters.export': { request: z.object({ id: Id }).strict(), response: Ok },
  'letters.attachment': {
    request: z.object({ letterId: Id, attachmentId: Id }).strict(),
    response: z.object({ name: z.string(), mediaType: z.string(), base64: z.string() }),
  },
  'trash.empty': { request: Empty, response: z.object({ removed: z.number().int() }) },
  'patients.search': {
    request: z.object({ query: z.string().max(200), limit: Limit }).strict(),
    response: z.object({ patients: z.array(PatientSummary) }),
  },
  'patients.labSeries': { request: z.object({ patientId: Id }).strict(), response: z.object({ series: z.array(LabSeries) }) },
  // Group practice: the secretariat sends on a doctor's behalf (`onBehalfOf`, a doctor id), never signed.
  'compose.send': { request: z.object({ draft: Draft, onBehalfOf: Id.optional() }).strict(), response: z.object({ letterId: z.string(), warnings: z.array(z.string()) }) },
  'compose.saveDraft': { request: z.object({ draft: Draft }).strict(), response: z.object({ letterId: z.string() }) },
  'keys.list': { request: Empty, response: z.object({ keys: z.array(KeyInfo) }) },
  'keys.importMedium': { request: z.object({ path: z.string().min(1).max(4096) }).strict(), response: KeyImportReport },
  'keys.detectMedia': { request: Empty, response: z.object({ candidates: z.array(KeyMediumCandidate) }) },
  'practice.list': { request: Empty, response: z.object({ profiles: z.array(PracticeProfileView) }) },
  'practice.save': { request: z.object({ profile: PracticeProfileView }).strict(), response: PracticeProfileView },
  'accounts.list': { request: Empty, response: z.object({ accounts: z.array(Account) }) },
  'accounts.save': {
    request: z.object({ account: Account.omit({ hasPassword: true }).extend({ id: Id.optional() }), password: Password.optional() }).strict(),
    response: Account,
  },
  'accounts.test': { request: z.object({ id: Id }).strict(), response: z.object({ steps: z.array(ConnectionStep) }) },
  'mail.sync': { request: Empty, response: z.object({ received: z.number().int(), sent: z.number().int() }) },
  'card.status': { request: Empty, response: CardStatus },
  'card.login': { request: z.object({ pin: z.string().min(4).max(16) }).strict(), response: CardStatus },
  'directory.search': {
    request: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    response: z.object({ entries: z.array(DirectoryEntryView) }),
  },
  'directory.importCsv': {
    request: z.object({ path: z.string().min(1).max(4096) }).strict(),
    response: z.object({ imported: z.number().int(), replaced: z.number().int(), skipped: z.number().int(), warnings: z.array(z.string()) }),
  },
  'directory.exportCsv': { request: z.object({ path: z.string().min(1).max(4096) }).strict(), response: z.object({ count: z.number().int() }) },
  'directory.ldapSave': { request: z.object({ settings: LdapSettings, password: Password.optional() }).strict(), response: Ok },
  'directory.ldapRefresh': { request: Empty, response: z.object({ entries: z.number().int() }) },
  'directory.block': {
    request: z.object({ address: z.string().min(3).max(320), reason: BlockReason, note: z.string().max(500).optional(), notify: z.boolean().default(false) }).strict(),
    response: z.object({ moved: z.number().int() }),
  },
  'directory.unblock': { request: z.object({ address: z.string().min(3).max(320) }).strict(), response: z.object({ moved: z.number().int() }) },
  'directory.blocked': { request: Empty, response: z.object({ senders: z.array(BlockedSenderView) }) },
  'migration.detect': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).max(20).default([]) }).strict(),
    response: z.object({ sources: z.array(LegacySourceView), searched: z.array(z.string()) }),
  },
  'migration.start': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(20), dryRun: z.boolean().default(false) }).strict(),
    response: MigrationReportView,
  },
  'migration.cancel': { request: Empty, response: Ok },
  // The renderer reports when the inbox became usable and when search results were shown; the host
  // turns them into the timing events tests and benchmarks wait on. `userWaitMs`: time the person
  // spent on screens waiting for them (typing the password), not counted as the app's.
  'ui.mark': {
    request: z.object({ name: z.enum(['inbox_interactive', 'search_shown']), ms: z.number().nonnegative().max(3_600_000), userWaitMs: z.number().nonnegative().optional() }).strict(),
    response: Ok,
  },
  // ---- Group practice (issue 10) ----
  // Names and roles for the sign-in screen: callable while the profile is locked.
  'profile.people': { request: Empty, response: z.object({ people: z.array(PersonView) }) },
  'group.me': { request: Empty, response: GroupSessionView },
  'practice.group.get': { request: Empty, response: z.object({ setup: PracticeSetupView.nullable(), people: z.array(PersonView) }) },
  'practice.group.save': { request: z.object({ setup: PracticeSetupView }).strict(), response: PracticeSetupView },
  // Managing people re-asks the administrator's own password (it unwraps the mailbox key for the new slot).
  'people.add': {
    request: z
      .object({
        person: z.object({ id: Id, name: z.string().min(1).max(80), role: Role, doctorId: Id.optional() }).strict(),
        password: Password,
        adminPassword: Password,
      })
      .strict(),
    response: PersonView,
  },
  'people.remove': { request: z.object({ personId: Id, adminPassword: Password }).strict(), response: Ok },
  'letters.route': {
    request: z.object({ ids: z.array(Id).min(1).max(1000), doctorId: Id, remember: z.boolean().default(false) }).strict(),
    response: z.object({ moved: z.number().int(), folderId: z.string(), rule: z.string().optional() }),
  },
  'audit.list': { request: z.object({ limit: z.number().int().min(1).max(10_000).default(500) }).strict(), response: z.object({ entries: z.array(AuditEntryView) }) },
  'audit.exportCsv': { request: Empty, response: z.object({ fileName: z.string(), csv: z.string() }) },
  'group.dashboard': { request: Empty, response: GroupDashboardView },
} as const satisfies { [C in CommandName]: { request: z.ZodType; response: z.ZodType } };

export const events = {
  'profile.changed': z.object({ status: ProfileStatus }),
  'settings.changed': Settings,
  'letters.changed': z.object({ folderIds: z.array(z.string()), newLetters: z.number().int().nonnegative() }),
  'sync.progress': z.object({ phase: z.enum(['receive', 'send']), done: z.number().int(), total: z.number().int(), bytes: z.number().int() }),
  'keys.changed': z.object({ warnings: z.array(z.string()) }),
  'card.changed': CardStatus,
  'notice': z.object({ level: z.enum(['info', 'warning', 'error']), message_fr: z.string() }),
  'migration.progress': z.object({
    letters: z.number().int(),
    imported: z.number().int(),
    bytesDone: z.number(),
    bytesTotal: z.number(),
    etaSeconds: z.number().optional(),
  }),
  'timing': z.object({ name: z.enum(['ui.inbox_interactive_ms', 'ui.search_ms']), ms: z.number() }),
} as const satisfies { [E in EventName]: z.ZodType };

// Every listed name has a schema (checked above) and every schema a listed name (checked here).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const namesMatch: Exact<keyof typeof commands, CommandName> & Exact<keyof typeof events, EventName> = true;
void namesMatch;

export { commandNames, eventNames, type CommandName, type EventName };
export type Request<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
export type Response<C extends CommandName> = z.infer<(typeof commands)[C]['response']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;


export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
