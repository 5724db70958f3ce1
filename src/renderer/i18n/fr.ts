/**
 * The French catalogue is the source: every UI string has a typed key here. Plural entries hold one
 * form per Intl.PluralRules category ("one", "other", …); `{n}` and named placeholders are replaced.
 */
export const fr = {
  'app.title': 'Pli',
  'app.tagline': 'Messagerie sécurisée de santé',
  'firstLaunch.title': 'Bienvenue dans Pli',
  'firstLaunch.intro':
    'Pli échange vos courriers médicaux chiffrés sur le réseau APICRYPT. Préparons votre poste en quelques étapes.',
  'firstLaunch.status': 'État du profil',
  'firstLaunch.version': 'Version {version}',
  'profile.status.new': 'Nouveau profil',
  'profile.status.locked': 'Boîte aux lettres verrouillée',
  'profile.status.open': 'Boîte aux lettres ouverte',
  'common.loading': 'Chargement…',
  'common.error': 'Une erreur est survenue',
  'letters.count': { one: '{n} courrier', other: '{n} courriers' },
  'letters.new': { one: '{n} nouveau courrier', other: '{n} nouveaux courriers' },
  'legal.trademark':
    'APICRYPT est une marque d’APICEM. Pli est un client indépendant, non certifié par APICEM.',
} as const;

export type Catalogue = typeof fr;
export type MessageKey = { [K in keyof Catalogue]: Catalogue[K] extends string ? K : never }[keyof Catalogue];
export type PluralKey = { [K in keyof Catalogue]: Catalogue[K] extends string ? never : K }[keyof Catalogue];
