// A deterministic synthetic directory of health professionals (fictitious names, Luhn-valid
// RPPS-like numbers), as LDIF for slapadd. Same seed, same entries, every run.
import { luhnComplete } from './pki';

export const BASE_DN = 'dc=annuaire,dc=sante,dc=test';
export const PEOPLE_DN = `ou=personnes,${BASE_DN}`;

const SURNAMES = [
  'MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT',
  'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD',
  'BONNET', 'DUPONT', 'LAMBERT', 'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFEVRE', 'FAURE', 'ANDRE',
  'MERCIER', 'BLANC', 'GUERIN', 'BOYER', 'GARNIER', 'CHEVALIER', 'FRANCOIS', 'LEGRAND', 'GAUTHIER', 'GARCIA',
  'PERRIN', 'ROBIN', 'CLEMENT', 'MORIN', 'NICOLAS', 'HENRY', 'ROUSSEL', 'MATHIEU', 'GAUTIER', 'MASSON',
  'LEMAIRE', 'DUVAL', 'JOLY', 'ROGER', 'ROCHE', 'ROY', 'NOEL', 'MEYER', 'LUCAS', 'MEUNIER',
  'JEAN', 'PEREZ', 'MARCHAND', 'DUFOUR', 'BLANCHARD', 'MARIE', 'BARBIER', 'BRUN', 'DUMAS', 'BRUNET',
  'SCHMITT', 'LEROUX', 'COLIN', 'FERNANDEZ', 'PIERRE', 'RENARD', 'ARNAUD', 'ROLLAND', 'CARON', 'AUBERT',
  'GIRAUD', 'LECLERC', 'VIDAL', 'BOURGEOIS', 'RENAUD', 'LEMOINE', 'PICARD', 'GAILLARD', 'PHILIPPE', 'LECLERCQ',
  'LACROIX', 'FABRE', 'DUPUIS', 'OLIVIER', 'RODRIGUEZ', 'DA SILVA', 'HUBERT', 'LOUIS', 'CHARLES', 'GUILLOT',
  "L'HERMITTE", 'LE GALL', 'BÉRANGER', 'CHÂTEAU', 'NOËL-MARTIN',
];
const GIVEN = [
  'Jean', 'Marie', 'Pierre', 'Anne', 'Michel', 'Catherine', 'Philippe', 'Isabelle', 'Alain', 'Sylvie',
  'Nicolas', 'Nathalie', 'François', 'Christine', 'Patrick', 'Sophie', 'Laurent', 'Valérie', 'Éric', 'Sandrine',
  'Julien', 'Céline', 'Thomas', 'Émilie', 'Antoine', 'Claire', 'Hélène', 'Jérôme', 'Camille', 'Lucas',
  'Léa', 'Hugo', 'Chloé', 'Louis', 'Manon', 'Paul', 'Inès', 'Gabriel', 'Zoé', 'Raphaël',
];
const PROFESSIONS: Array<[string, string]> = [
  ['Médecin', 'Médecine générale'], ['Médecin', 'Cardiologie'], ['Médecin', 'Radiodiagnostic et imagerie médicale'],
  ['Médecin', 'Pédiatrie'], ['Médecin', 'Gynécologie-obstétrique'], ['Médecin', 'Psychiatrie'],
  ['Médecin', 'Biologie médicale'], ['Médecin', 'Dermatologie et vénéréologie'], ['Médecin', 'Ophtalmologie'],
  ['Infirmier', 'Soins infirmiers'], ['Masseur-kinésithérapeute', 'Kinésithérapie'], ['Pharmacien', "Pharmacie d'officine"],
  ['Chirurgien-dentiste', 'Chirurgie dentaire'], ['Sage-femme', 'Maïeutique'], ['Orthophoniste', 'Orthophonie'],
];
const CITIES: Array<[string, string]> = [
  ['Paris', '75011'], ['Paris', '75015'], ['Paris', '75018'], ['Lyon', '69003'], ['Marseille', '13005'],
  ['Toulouse', '31000'], ['Nice', '06000'], ['Nantes', '44000'], ['Strasbourg', '67000'], ['Montpellier', '34000'],
  ['Bordeaux', '33000'], ['Lille', '59000'], ['Rennes', '35000'], ['Reims', '51100'], ['Saint-Étienne', '42000'],
  ['Le Havre', '76600'], ['Grenoble', '38000'], ['Dijon', '21000'], ['Angers', '49000'], ['Nîmes', '30000'],
  ['Besançon', '25000'], ['Évreux', '27000'], ['Quimper', '29000'], ['Ajaccio', '20000'], ['Créteil', '94000'],
];
const STREETS = ['rue de la République', 'avenue Jean Jaurès', 'boulevard Victor Hugo', 'place de la Mairie', 'rue Pasteur', "rue de l'Église"];

/** mulberry32: tiny seeded PRNG, enough for fixture variety. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Address local part: given name without accents, lowercase; surname uppercase, letters only. */
function asciiPart(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9-]/g, '');
}

export interface Person {
  uid: string;
  rpps: string;
  sn: string;
  givenName: string;
  mail: string;
  title: string;
  specialty: string;
  city: string;
  postalCode: string;
  street: string;
  phone: string;
  /** DER user certificates (signature) for the card holders of the test PKI. */
  certificates?: Buffer[];
}

export interface FixedPerson {
  rpps: string;
  sn: string;
  givenName: string;
  mail: string;
  certificates?: Buffer[];
}

export function generatePeople(count: number, fixed: FixedPerson[] = [], seed = 2026): Person[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const people: Person[] = [];
  const used = new Set<string>();
  fixed.forEach((f, i) => {
    const [city, postalCode] = CITIES[0] as [string, string];
    used.add(f.mail.toLowerCase());
    people.push({
      uid: `8${f.rpps}`, rpps: f.rpps, sn: f.sn, givenName: f.givenName, mail: f.mail,
      title: 'Médecin', specialty: 'Médecine générale', city, postalCode,
      street: `${10 + i} rue des Tilleuls`, phone: `01 40 00 00 ${String(10 + i).padStart(2, '0')}`,
      ...(f.certificates ? { certificates: f.certificates } : {}),
    });
  });
  for (let i = 0; people.length < count; i++) {
    const sn = pick(SURNAMES);
    const givenName = pick(GIVEN);
    const [title, specialty] = pick(PROFESSIONS);
    const [city, postalCode] = pick(CITIES);
    const dept = postalCode.slice(0, 2);
    const rpps = luhnComplete(`1${String(1_000_000 + i * 37).padStart(9, '0')}`);
    let local = `${asciiPart(givenName).toLowerCase()}.${asciiPart(sn).toUpperCase()}`;
    const domain = `medical${dept}.apicrypt.org`;
    for (let n = 2; used.has(`${local}@${domain}`.toLowerCase()); n++) {
      local = `${asciiPart(givenName).toLowerCase()}.${asciiPart(sn).toUpperCase()}${n}`;
    }
    used.add(`${local}@${domain}`.toLowerCase());
    people.push({
      uid: `8${rpps}`, rpps, sn, givenName, mail: `${local}@${domain}`, title, specialty, city, postalCode,
      street: `${1 + Math.floor(rnd() * 120)} ${pick(STREETS)}`,
      phone: `0${1 + Math.floor(rnd() * 5)} ${String(Math.floor(rnd() * 100)).padStart(2, '0')} ${String(Math.floor(rnd() * 100)).padStart(2, '0')} ${String(Math.floor(rnd() * 100)).padStart(2, '0')} ${String(Math.floor(rnd() * 100)).padStart(2, '0')}`,
    });
  }
  return people;
}

/** One LDIF attribute line; non-ASCII or awkward values go base64 (`attr:: ...`). */
function attr(name: string, value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return `${name}:: ${value.toString('base64')}`;
  const safe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function toLdif(people: Person[], bind: { cn: string; password: string }): string {
  const blocks: string[][] = [
    [`dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: annuaire', attr('o', 'Annuaire santé TEST')],
    [`dn: ${PEOPLE_DN}`, 'objectClass: organizationalUnit', 'ou: personnes'],
    [`dn: cn=${bind.cn},${BASE_DN}`, 'objectClass: organizationalRole', 'objectClass: simpleSecurityObject', `cn: ${bind.cn}`, attr('userPassword', bind.password)],
  ];
  for (const p of people) {
    const lines = [
      `dn: uid=${p.uid},${PEOPLE_DN}`,
      'objectClass: inetOrgPerson',
      attr('uid', p.uid),
      attr('employeeNumber', p.rpps),
      attr('cn', `${p.givenName} ${p.sn}`),
      attr('displayName', `${p.title === 'Médecin' ? 'Dr ' : ''}${p.givenName} ${p.sn}`),
      attr('sn', p.sn),
      attr('givenName', p.givenName),
      attr('mail', p.mail),
      attr('title', p.title),
      attr('employeeType', p.specialty),
      attr('street', p.street),
      attr('l', p.city),
      attr('postalCode', p.postalCode),
      attr('telephoneNumber', p.phone),
    ];
    for (const c of p.certificates ?? []) lines.push(attr('userCertificate;binary', c));
    blocks.push(lines);
  }
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}
