// The rewrite rules of @latchkey/wix-sdk, and that the installed fetch really sends requests where they say, to a
// real HTTP server on loopback.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { latchkeyFetch, rewriteUrl, useLatchkey } from '../index.js';

test('the two Wix hosts go to the base URL with path and query kept', () => {
  const base = 'https://auth.example.com';
  assert.equal(rewriteUrl('https://www.wixapis.com/oauth2/token', base), 'https://auth.example.com/oauth2/token');
  assert.equal(
    rewriteUrl('https://edge.wixapis.com/_api/iam/authentication/v2/login?x=1&y=2', base),
    'https://auth.example.com/_api/iam/authentication/v2/login?x=1&y=2',
  );
  assert.equal(rewriteUrl(new URL('https://www.wixapis.com/members/v1/members/my'), base), 'https://auth.example.com/members/v1/members/my');
});

test('a base URL with a path prefix keeps it', () => {
  assert.equal(rewriteUrl('https://www.wixapis.com/oauth2/token', 'https://example.com/auth/'), 'https://example.com/auth/oauth2/token');
});

test('nothing else is touched', () => {
  const base = 'https://auth.example.com';
  for (const url of [
    'https://static.wixstatic.com/media/a.png',
    'https://www.wix.com/installer/install',
    'http://www.wixapis.com/oauth2/token', // only the https hosts the SDK builds
    'https://www.wixapis.com.evil.example/oauth2/token',
    'https://evil.example/?u=https://www.wixapis.com/',
    'https://shop.example.com/api',
    'not a url',
  ]) {
    assert.equal(rewriteUrl(url, base), null, url);
  }
});

test('on a plain-http Latchkey, the https URL the SDK builds from host.apiBaseUrl goes to http', () => {
  const base = 'http://127.0.0.1:5080';
  assert.equal(rewriteUrl('https://127.0.0.1:5080/members/v1/members/my', base), 'http://127.0.0.1:5080/members/v1/members/my');
  assert.equal(rewriteUrl('https://auth.example.com/oauth2/token', 'https://auth.example.com'), null);
});

test('bad base URLs are refused with a clear message', () => {
  assert.throws(() => latchkeyFetch('auth.example.com'), /not an absolute URL/);
  assert.throws(() => latchkeyFetch('ftp://auth.example.com'), /not an http or https URL/);
});

let server;
let base;
const seen = [];
before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, body, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('useLatchkey sends the SDK\'s requests, strings and Request objects, to Latchkey; uninstall restores fetch', async () => {
  const original = globalThis.fetch;
  const latchkey = useLatchkey(base);
  try {
    assert.equal(latchkey.baseUrl, base);
    assert.deepEqual(latchkey.host, { apiBaseUrl: new URL(base).host });
    seen.length = 0;
    const a = await fetch('https://www.wixapis.com/oauth2/token', { method: 'POST', body: '{"grantType":"anonymous"}' });
    const b = await fetch(
      new Request('https://edge.wixapis.com/_api/iam/authentication/v2/login?q=1', {
        method: 'POST',
        body: '{"loginId":{}}',
        headers: { authorization: 'token-1' },
      }),
    );
    assert.deepEqual([a.status, b.status], [200, 200]);
    assert.deepEqual(seen, [
      { method: 'POST', url: '/oauth2/token', body: '{"grantType":"anonymous"}', authorization: undefined },
      { method: 'POST', url: '/_api/iam/authentication/v2/login?q=1', body: '{"loginId":{}}', authorization: 'token-1' },
    ]);
    // Calling it again only changes the base: the wrapper never wraps itself.
    useLatchkey(base);
    await fetch('https://www.wixapis.com/oauth2/jwks');
    assert.equal(seen.at(-1).url, '/oauth2/jwks');
  } finally {
    latchkey.uninstall();
    globalThis.fetch = original;
  }
  assert.equal(globalThis.fetch, original);
});

test('the Node preload reads LATCHKEY_URL, and refuses to start without it', async () => {
  const { spawn } = await import('node:child_process');
  const register = new URL('../register.js', import.meta.url).pathname;
  const run = (env) =>
    new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', register, '-e', "fetch('https://www.wixapis.com/oauth2/jwks?from=register').then(r => console.log(r.status))"],
        { env: { PATH: process.env.PATH, ...env } },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
  seen.length = 0;
  const ok = await run({ LATCHKEY_URL: base });
  assert.equal(ok.code, 0, ok.out);
  assert.equal(ok.out.trim(), '200');
  assert.equal(seen.at(-1).url, '/oauth2/jwks?from=register');
  const missing = await run({});
  assert.notEqual(missing.code, 0);
  assert.match(missing.out, /set LATCHKEY_URL/);
});
