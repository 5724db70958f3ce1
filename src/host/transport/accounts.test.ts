import { describe, expect, it } from 'vitest';
import { apicryptClassicAccount, defaultPort, genericAccount, localPart } from './accounts';

describe('account presets', () => {
  it('"APICRYPT classique": POP3 110 STLS + SMTP 587 STARTTLS, user = local part', () => {
    const a = apicryptClassicAccount('jean.DUPONT@medical75.apicrypt.org', { incoming: 'pop.test', outgoing: 'smtp.test' });
    expect(a.preset).toBe('apicrypt-classique');
    expect(a.incoming).toEqual({ protocol: 'pop3', host: 'pop.test', port: 110, security: 'starttls', user: 'jean.DUPONT', deleteAfterDays: null });
    expect(a.outgoing).toEqual({ host: 'smtp.test', port: 587, security: 'starttls', user: 'jean.DUPONT' });
  });

  it('generic account: ports follow protocol and security, user defaults to the address', () => {
    const a = genericAccount({ address: 'x.Y@exemple.fr', protocol: 'imap', incomingHost: 'imap.exemple.fr', outgoingHost: 'smtp.exemple.fr', outgoingSecurity: 'tls' });
    expect(a.incoming).toMatchObject({ protocol: 'imap', port: 993, security: 'tls', user: 'x.Y@exemple.fr' });
    expect(a.outgoing).toMatchObject({ port: 465, security: 'tls' });
    expect([defaultPort('pop3', 'tls'), defaultPort('imap', 'starttls'), defaultPort('smtp', 'starttls')]).toEqual([995, 143, 587]);
  });

  it('refuses a malformed address in French', () => {
    for (const bad of ['pas une adresse', 'a@b', '@medical75.apicrypt.org', 'a,b@c.fr']) {
      expect(() => apicryptClassicAccount(bad)).toThrow(/n’est pas une adresse de messagerie valide/);
    }
    expect(localPart('paul.MARTIN@medical75.apicrypt.org')).toBe('paul.MARTIN');
  });
});
