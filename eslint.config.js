import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layer boundaries (VS Code's idea): each folder may import only the layers beneath it.
// - renderer: the contract (src/shared) and its own files; never host, core, Node or Electron.
// - core: pure logic; never Node I/O, the host, the UI or Electron.
// - shared: the contract; nothing but itself and zod.
// - shells (electron/, src/web): the host entry (src/host/index) and the contract only.
const NODE_IO = [
  'fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process', 'worker_threads',
  'cluster', 'os', 'readline', 'process', 'module', 'v8', 'vm', 'inspector',
].flatMap((m) => [m, `node:${m}`]);

const layer = (files, patterns, paths = []) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message: 'Interdit dans cette couche.' })), patterns }],
  },
});
const rx = (regex, message) => ({ regex, message });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-function': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  layer(
    ['src/renderer/**'],
    [
      rx('^(\\.\\./)+(src/)?(host|core|web|cli)(/|$)', 'Le renderer ne parle qu’au contrat (src/shared).'),
      rx('^(node:|electron$)', 'Pas de Node ni d’Electron dans le renderer.'),
      rx('^(fs|net|tls|http|https|child_process|worker_threads|os|path|crypto)$', 'Pas de module Node dans le renderer.'),
      rx('^(better-sqlite3|pkcs11js|imapflow|nodemailer|smtp-server|ldapts|chokidar|ws)', 'Module du host interdit dans le renderer.'),
    ],
  ),
  layer(
    ['src/core/**'],
    [
      rx('^(\\.\\./)+(src/)?(host|renderer|web|cli)(/|$)', 'Le cœur est de la logique pure : il n’importe ni le host ni l’UI.'),
      rx('^(electron|react|better-sqlite3|pkcs11js|imapflow|nodemailer|smtp-server|ldapts|chokidar|ws)', 'Pas d’E/S dans le cœur.'),
    ],
    NODE_IO,
  ),
  layer(
    ['src/shared/**'],
    [
      rx('^(\\.\\./)+(src/)?(host|core|renderer|web|cli)(/|$)', 'Le contrat ne dépend d’aucune couche.'),
      rx('^node:|^electron$|^react', 'Le contrat reste indépendant de Node, d’Electron et du DOM.'),
    ],
  ),
  layer(
    ['electron/**', 'src/web/**'],
    [
      rx('^(\\.\\./)+(src/)?core(/|$)', 'Les coquilles n’importent que l’entrée du host et le contrat.'),
      rx('^(\\.\\./)+(src/)?host/(?!index$).+', 'Les coquilles n’importent que l’entrée du host (src/host/index).'),
      rx('^(\\.\\./)+(src/)?(renderer|cli)(/|$)', 'Les coquilles n’importent que l’entrée du host et le contrat.'),
    ],
  ),
);
