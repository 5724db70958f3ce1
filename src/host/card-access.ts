import { PliError } from '../shared/errors';
import type { CardStatus } from '../shared/domain';
import { certificateIdentity } from '../core/signature';
import { CardService, findPkcs11Module } from './card';
import type { Logger } from './log/logger';
import { describeCardChange, rememberCard, type RememberedCard } from './signing';

/**
 * The CPS card as the host sees it: one CardService, created when first needed (loading the card
 * middleware costs time and is pointless for users without a card), with the profile's remembered card.
 */
export class CardAccess {
  private service: CardService | undefined;

  constructor(
    private readonly opts: { modulePath: () => string | undefined; idleMinutes: () => number; log: Logger },
    private readonly onChange: () => void,
  ) {}

  /** The card service, or a French error saying the card middleware is missing. */
  get(): CardService {
    if (this.service) return this.service;
    const modulePath = findPkcs11Module({ userPath: this.opts.modulePath() ?? null });
    if (!modulePath) {
      throw new PliError(
        'card_module_missing',
        'Le logiciel de la carte CPS (Cryptolib CPS) est introuvable. Installez-le, ou indiquez l’emplacement de son module dans les réglages.',
      );
    }
    const service = new CardService({ modulePath, idleLogoutMs: this.opts.idleMinutes() * 60_000, logger: this.opts.log });
    service.open();
    service.on('inserted', () => this.onChange());
    service.on('removed', () => this.onChange());
    service.on('logged_out', () => this.onChange());
    service.startPolling();
    this.service = service;
    return service;
  }

  status(remembered: RememberedCard | null): CardStatus {
    let service: CardService;
    try {
      service = this.get();
    } catch {
      return { present: false, loggedIn: false, newCard: false };
    }
    const card = service.cards()[0];
    if (!card) return { present: false, loggedIn: false, newCard: false };
    const cert = service.readCertificates(card.slotId).signature;
    const id = cert ? certificateIdentity(cert.der) : undefined;
    const change = id ? describeCardChange(remembered, id).change : 'same';
    return {
      present: true,
      loggedIn: service.isLoggedIn(card.slotId),
      ...(id ? { holder: id.displayName } : {}),
      ...(id?.profession ? { profession: id.profession } : {}),
      ...(id?.rpps ? { rpps: id.rpps } : {}),
      newCard: change === 'renewed' || change === 'other_person',
      ...(card.pin.triesLeft !== null ? { triesLeft: card.pin.triesLeft } : {}),
    };
  }

  /** Logs in with the PIN (used once, never kept) and returns the card to remember with the profile. */
  login(pin: string): RememberedCard | undefined {
    const service = this.get();
    const card = service.card();
    service.login(pin, card.slotId);
    const cert = service.readCertificates(card.slotId).signature;
    return cert ? rememberCard(cert.der) : undefined;
  }

  close(): void {
    this.service?.close();
    this.service = undefined;
  }
}
