// The shape of env.json written by `tests/env/index.ts start` (see tests/env/README.md).
// Every integration test codes against this; keep it in step with /tmp/pli-env-contract.md.

export interface TestUser {
  /** Local part, e.g. 'jean.DUPONT' (case preserved; also the IMAP/POP3 login). */
  login: string;
  /** `${login}@medical75.apicrypt.org` (also accepted as a login). */
  address: string;
  /** 'test-' + login */
  password: string;
}

export interface TestPkiUser {
  certPath: string;
  keyPath: string;
  authCertPath: string;
  authKeyPath: string;
  rpps: string;
  surname: string;
  givenName: string;
}

export interface TestToken {
  /** SOFTHSM2_CONF value for this user's private token store. */
  conf: string;
  tokenDir: string;
  label: 'CPS-TEST';
  pin: '1234';
  soPin: '12345678';
}

export interface TestEnv {
  dir: string;
  domain: 'medical75.apicrypt.org';
  tls: { caCertPath: string; caCertPem: string };
  users: TestUser[];
  dovecot: {
    host: '127.0.0.1';
    imapPort: number;
    imapsPort: number;
    pop3Port: number;
    pop3sPort: number;
    lmtpPort: number;
    mailRoot: string;
    /** Wrapper script running `doveadm -c <this env's dovecot.conf> "$@"`. */
    doveadm?: string;
  };
  pki: {
    rootCertPath: string;
    intermediateCertPath: string;
    foreignRootCertPath: string;
    foreignUserCertPath: string;
    foreignUserKeyPath: string;
    users: Record<string, TestPkiUser>;
    p12Path: string;
    p12Password: 'test-p12';
  };
  softhsm: { module: string; tokens: Record<string, TestToken> };
  ldap: {
    url: string;
    ldapsUrl: string;
    baseDn: 'dc=annuaire,dc=sante,dc=test';
    bindDn: string;
    bindPassword: string;
    entries: number;
  };
  chromium: string;
}
