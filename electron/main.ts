import { app, BrowserWindow, ipcMain, Menu, net, protocol, session, shell } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHost, type Host } from '../src/host/index';

// The desktop shell: windows, menu, single instance and lifecycle. All logic lives in the host.
const SCHEME = 'pli';
const APP_ORIGIN = `${SCHEME}://app`;
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'self' blob:",
].join('; ');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let host: Host | undefined;
  let win: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  // No web view, no remote content, no new windows, no navigation away from the app: everywhere.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev) => ev.preventDefault());
    contents.on('will-redirect', (ev) => ev.preventDefault());
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(() => {
    const rendererDir = join(__dirname, '..', 'renderer');
    protocol.handle(SCHEME, async (request) => {
      const url = new URL(request.url);
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = normalize(join(rendererDir, rel));
      if (url.host !== 'app' || !file.startsWith(rendererDir + sep)) return new Response('', { status: 404 });
      const res = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
      // Only our own scheme and in-memory data: any http(s) or file request from a page is cancelled.
      const ok = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('data:') || details.url.startsWith('blob:') || details.url.startsWith('devtools:');
      cb({ cancel: !ok });
    });

    host = createHost({
      profileDir: app.getPath('userData'),
      version: app.getVersion(),
      shell: 'electron',
      // Packaged: electron-builder's extraResources; from a checkout: the repository's resources/.
      resourcesDir: app.isPackaged ? process.resourcesPath : join(__dirname, '..', '..', 'resources'),
    });
    ipcMain.handle('pli:invoke', (event, command: unknown, payload: unknown) => {
      // Accept calls only from our own page, never from a frame or page that got loaded somehow.
      const from = event.senderFrame?.url ?? '';
      if (!from.startsWith(`${APP_ORIGIN}/`)) {
        return { ok: false, error: { code: 'forbidden', message_fr: 'Origine non autorisée.' } };
      }
      return host!.invoke(command, payload);
    });
    host.onEvent((name, payload) => win?.webContents.send('pli:event', name, payload));

    Menu.setApplicationMenu(
      Menu.buildFromTemplate([
        { label: 'Fichier', submenu: [{ role: 'quit', label: 'Quitter Pli' }] },
        { label: 'Édition', submenu: [{ role: 'copy', label: 'Copier' }, { role: 'selectAll', label: 'Tout sélectionner' }] },
        {
          label: 'Aide',
          submenu: [{ label: 'Ouvrir le dossier des journaux', click: () => void shell.openPath(join(app.getPath('userData'), 'logs')) }],
        },
      ]),
    );

    win = new BrowserWindow({
      width: 1280,
      height: 820,
      title: 'Pli',
      show: false,
      webPreferences: {
        preload: join(__dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        navigateOnDragDrop: false,
      },
    });
    win.once('ready-to-show', () => win?.show());
    void win.loadURL(`${APP_ORIGIN}/index.html`);
  });

  app.on('window-all-closed', () => {
    void host?.close().finally(() => app.quit());
  });
}
