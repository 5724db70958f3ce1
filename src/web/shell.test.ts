import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHost, type Host } from '../host/index';
import { isLoopbackAddress } from './security';
import { startWebShell, type WebShell } from './shell';

let dir: string;
let host: Host;
let shell: WebShell;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pli-web-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Pli</title>');
  host = createHost({ profileDir: join(dir, 'profile'), version: '9.9.9', shell: 'web', resourcesDir: 'resources' });
  shell = await startWebShell({ host, rendererDir: renderer });
  base = `http://127.0.0.1:${shell.port}`;
});
afterAll(async () => {
  await shell.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function cookie(): Promise<string> {
  const r = await get(`/?token=${shell.token}`);
  expect(r.status).toBe(303);
  return String((r.headers['set-cookie'] as string[])[0]).split(';')[0]!;
}

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('web shell', () => {
  it('listens on loopback and prints a tokenised URL', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses requests without the token (401) and with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/index.html')).status).toBe(401);
    expect((await get('/?token=not-the-token')).status).toBe(401);
  });

  it('serves the page with a strict CSP once the token was presented', async () => {
    const r = await get('/', { Cookie: await cookie() });
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:/);
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin', async () => {
    const c = await cookie();
    expect((await get('/', { Cookie: c, Host: 'evil.example:80' })).status).toBe(403);
    expect((await get('/', { Cookie: c, Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    const c = await cookie();
    expect((await get('/..%2fprofile%2fsettings.json', { Cookie: c })).status).toBe(404);
  });

  it('carries the contract over the WebSocket only for our page', async () => {
    const c = await cookie();
    await expect(openSocket({ Origin: base })).rejects.toThrow(/401/);
    await expect(openSocket({ Cookie: c, Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(openSocket({ Cookie: c })).rejects.toThrow(/403/);
    const ws = await openSocket({ Cookie: c, Origin: base });
    const replies: unknown[] = [];
    const done = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        replies.push(JSON.parse(d.toString()));
        if (replies.length === 3) resolve();
      }),
    );
    ws.send(JSON.stringify({ id: 1, command: 'app.info', payload: {} }));
    ws.send(JSON.stringify({ id: 2, command: 'nope', payload: {} }));
    ws.send(JSON.stringify({ id: 3, command: 'settings.update', payload: { patch: { language: 'de' } } }));
    await done;
    ws.close();
    expect(replies).toContainEqual({ id: 1, ok: true, result: { name: 'Pli', version: '9.9.9', shell: 'web' } });
    expect(replies).toContainEqual(expect.objectContaining({ id: 2, ok: false, error: expect.objectContaining({ code: 'unknown_command' }) }));
    expect(replies).toContainEqual(expect.objectContaining({ id: 3, ok: false, error: expect.objectContaining({ code: 'invalid_request' }) }));
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('192.168.1.10')).toBe(false);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});
