import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Host } from '../host/index';
import { InvokeMessage, type EventMessage, type ReplyMessage } from '../shared/wire';
import {
  SECURITY_HEADERS,
  TOKEN_COOKIE,
  allowedHosts,
  allowedOrigins,
  cookieToken,
  isLoopbackAddress,
  tokenMatches,
} from './security';

export interface WebShellOptions {
  host: Host;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A fixed token, for tests only; by default a random one per run. */
  token?: string;
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The web shell: the host's contract over one WebSocket and the renderer's files, on 127.0.0.1 only.
 * A browser proves it was given the URL by presenting the run's token once (?token=…); it then holds
 * it in an HttpOnly, SameSite=Strict cookie, so scripts never see it and other sites cannot send it.
 */
export async function startWebShell(opts: WebShellOptions): Promise<WebShell> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.host.logSink.logger('web');
  let port = 0;

  const deny = (res: ServerResponse, status: 401 | 403 | 404 | 405, text: string) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };

  /** Checks shared by HTTP and WebSocket upgrades; returns the refusal status, if any. */
  const refusal = (req: IncomingMessage, url: URL): 401 | 403 | undefined => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) return 403;
    if (!allowedHosts(port).has(req.headers.host ?? '')) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(port).has(origin)) return 403;
    const presented = url.searchParams.get('token') ?? cookieToken(req);
    if (!tokenMatches(presented ?? undefined, token)) return 401;
    return undefined;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(req, url);
    if (refused === 401) return deny(res, 401, 'Accès refusé : jeton manquant ou invalide.');
    if (refused === 403) return deny(res, 403, 'Accès refusé.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Méthode non autorisée.');

    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie and drop it from the address bar and history.
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
      });
      return res.end();
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = normalize(join(opts.rendererDir, rel));
    if (!file.startsWith(normalize(opts.rendererDir) + sep)) return deny(res, 404, 'Introuvable.');
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      deny(res, 404, 'Introuvable.');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A WebSocket must come from our page: same Origin (browsers always send it) and the cookie.
    const refused = req.headers.origin === undefined ? 403 : refusal(req, url);
    if (refused || url.pathname !== '/api') {
      socket.end(`HTTP/1.1 ${refused ?? 404} ${refused === 401 ? 'Unauthorized' : 'Forbidden'}\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', async (data) => {
        let msg: InvokeMessage;
        try {
          msg = InvokeMessage.parse(JSON.parse(data.toString()));
        } catch {
          log.warn('malformed message dropped');
          return;
        }
        const result = await opts.host.invoke(msg.command, msg.payload);
        const reply: ReplyMessage = { id: msg.id, ...result };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  const unsubscribe = opts.host.onEvent((event, payload) => {
    const msg: EventMessage = { event, payload };
    const text = JSON.stringify(msg);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  log.info('web shell listening', { port });

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
