import { parseHprim, splitDocuments, type WriterProfile } from '../../core/hprim';
import type { PracticeProfileView } from '../../shared/domain';
import type { Logger } from '../log/logger';
import { DropFolderExporter, type ExportDocument, type ExportEvent, type LetterExportStatus, type PracticeProfile } from '../practice';
import type { Mailbox } from '../store/mailbox';
import { MailboxExportJournal } from './mailbox-journal';

const frDate = (iso: string | undefined) => (iso ? iso.split('-').reverse().join('') : undefined);

/**
 * Hands received letters to the practice software: one exporter per enabled drop folder, all journaling
 * in the mailbox. A letter is split into one file per document, written in each profile's charset.
 */
export class DropExports {
  private readonly exporters: DropFolderExporter[] = [];

  constructor(
    private readonly mailbox: Mailbox,
    private readonly log: Logger,
    private readonly onEvent: (e: ExportEvent) => void,
  ) {}

  async start(profiles: PracticeProfileView[]): Promise<void> {
    await this.stop();
    const journal = new MailboxExportJournal(this.mailbox);
    for (const p of profiles.filter((x) => x.enabled && x.folder)) {
      const exporter = new DropFolderExporter({
        profile: toPracticeProfile(p),
        journal,
        logger: this.log,
        onEvent: (e) => {
          if (e.type === 'exported') void this.mailbox.setFlags([Number(e.letterId)], { exported: true });
          this.onEvent(e);
        },
      });
      await exporter.start();
      this.exporters.push(exporter);
    }
  }

  get active(): boolean {
    return this.exporters.length > 0;
  }

  /** Whether a drop folder of this profile id is enabled. */
  has(profileId: string): boolean {
    return this.exporters.some((e) => e.profile.id === profileId);
  }

  /**
   * Queues a stored letter for every drop folder, or only those of `onlyProfiles` (a group practice's
   * doctor); idempotent: a document already journaled is not redone.
   */
  async exportLetter(letterId: number, onlyProfiles?: readonly string[]): Promise<void> {
    const exporters = onlyProfiles ? this.exporters.filter((e) => onlyProfiles.includes(e.profile.id)) : this.exporters;
    if (exporters.length === 0) return;
    const letter = await this.mailbox.getLetter(letterId);
    const source = letter?.payload && letter.payload.length > 0 ? letter.payload : letter?.text ? Buffer.from(letter.text) : undefined;
    if (!letter || !source) return;
    const file = parseHprim(source);
    if (file.documents.length === 0) return;
    const attachments = await Promise.all(
      letter.attachments.map(async (a) => {
        const got = await this.mailbox.getAttachment(a.id);
        return { name: a.name, bytes: got?.bytes ?? new Uint8Array() };
      }),
    );
    for (const exporter of exporters) {
      const files = splitDocuments(file, writerProfile(exporter.profile));
      const documents: ExportDocument[] = files.map((f, index) => {
        const d = file.documents[index]!;
        return {
          index,
          bytes: f.bytes,
          tokens: {
            NOM: d.patient.surname,
            PRENOM: d.patient.firstName,
            ...(d.patient.birthDate ? { DDN: frDate(d.patient.birthDate)! } : {}),
            ...(d.documentDate ? { DATE: frDate(d.documentDate)! } : {}),
            EXPEDITEUR: d.sender.name || letter.sender,
          },
        };
      });
      await exporter.enqueue(String(letterId), documents, attachments);
    }
  }

  async status(letterId: number): Promise<LetterExportStatus | undefined> {
    return this.exporters[0]?.status(String(letterId));
  }

  async stop(): Promise<void> {
    const all = this.exporters.splice(0);
    await Promise.all(all.map((e) => e.stop()));
  }
}

function toPracticeProfile(p: PracticeProfileView): PracticeProfile {
  return {
    id: p.id,
    name_fr: p.name,
    folder: p.folder,
    fileNamePattern: p.fileNamePattern,
    extension: p.extension,
    charset: p.charset,
    lineEnd: p.lineEnd,
    line13: p.line13,
    line1: p.line1,
    okFile: p.okFile,
  };
}

function writerProfile(p: PracticeProfile): WriterProfile {
  return { charset: p.charset, lineEnd: p.lineEnd, line13: p.line13, line1: p.line1 === 'result_title' ? 'title' : 'patientCode' };
}
