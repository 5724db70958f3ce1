import { certificateIdentity, type CertIdentity, type TrustAnchors } from '../../core/signature';
import { PliError } from '../../shared/errors';
import type { CardService } from '../card/card-service';
import { describeCardChange, type RememberedCard } from './card-identity';
import type { Signer } from './signer';
import { intermediatesFor } from './trust-store';

/**
 * The CPS card behind the Signer interface. The caller logs in first (CardService.login with the PIN
 * from the UI); this signer only reads the certificate and asks the card to sign.
 */
export class CardSigner implements Signer {
  readonly kind = 'card' as const;

  private constructor(
    private readonly card: CardService,
    private readonly slotId: string,
    private readonly chain: Uint8Array[],
    private readonly id: CertIdentity,
  ) {}

  /**
   * Reads the card's signature certificate and completes its chain from the trust store. With
   * `expected` (the card remembered with the profile), another card is refused with its own error:
   * `card_new` for a renewed card of the same person, `card_other_person` for someone else's card.
   */
  static open(card: CardService, opts: { trust?: TrustAnchors; slotId?: string; expected?: RememberedCard | null } = {}): CardSigner {
    const info = card.card(opts.slotId);
    const certs = card.readCertificates(info.slotId);
    if (!certs.signature) {
      throw new PliError('card_certificate_missing', 'Le certificat de signature est introuvable sur la carte CPS. Cette carte ne peut pas signer.');
    }
    const id = certificateIdentity(certs.signature.der);
    if (opts.expected) {
      const change = describeCardChange(opts.expected, id);
      if (change.change === 'renewed') throw new PliError('card_new', change.message_fr, { change: change.change });
      if (change.change === 'other_person') throw new PliError('card_other_person', change.message_fr, { change: change.change });
    }
    const chain = [certs.signature.der, ...intermediatesFor(certs.signature.der, opts.trust ?? { roots: [] })];
    return new CardSigner(card, info.slotId, chain, id);
  }

  identity(): CertIdentity {
    return this.id;
  }

  certificateChain(): Uint8Array[] {
    return [...this.chain];
  }

  signData(data: Uint8Array): Promise<Uint8Array> {
    return this.card.signData(data, { slotId: this.slotId });
  }

  signDigest(digest: Uint8Array): Promise<Uint8Array> {
    return this.card.signDigest(digest, { slotId: this.slotId });
  }
}
