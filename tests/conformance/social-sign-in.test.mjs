// Conformance: social sign-in (issue #26, docs/flows/social-sign-in.md) against a real OpenID Provider: npm's
// oidc-provider, a certified implementation, on a loopback port of this process (./oidc-provider.mjs). The unmodified
// Wix SDK starts the flow (getAuthUrl), the hosted page shows the provider's button, and the browser is played here:
// a cookie jar per origin, redirects followed by hand.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startProvider } from './oidc-provider.mjs';
import { createClient, OAuthStrategy } from '@wix/sdk';
import { members } from '@wix/members';
import { CALLBACK_URI, env, PASSWORD, requireEnv, test, uniqueEmail } from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID', 'API_KEY']);

const provider = await startProvider(`${env.base}/sign-in/social/callback`);
process.on('exit', () => provider.close());

async function admin(path, init = {}) {
  return fetch(`${env.base}${path}`, {
    ...init,
    headers: { authorization: env.apiKey, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
}

const registered = await admin('/admin/v1/identity-providers', {
  method: 'POST',
  body: JSON.stringify({
    kind: 'openIdConnect', issuer: provider.issuer, clientId: provider.client.client_id, clientSecret: provider.client.client_secret,
    displayName: 'Test Provider', trustEmail: true,
  }),
});
assert.equal(registered.status, 201, await registered.clone().text());
const providerId = (await registered.json()).id;

/** A browser: one cookie jar per origin, redirects followed by hand so each hop can be checked. */
function browser() {
  const jars = new Map();
  return async function go(url, init = {}) {
    const target = new URL(url, env.base);
    const jar = jars.get(target.origin) ?? new Map();
    jars.set(target.origin, jar);
    const headers = { ...(init.headers ?? {}) };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
}

const decode = (s) => s.replaceAll('&amp;', '&').replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&quot;', '"');

/** Follows redirects (GET) until one leaves the provider, answering its login and consent pages as the person would. */
async function signInAtProvider(go, start, login) {
  let res = await go(start);
  for (let hop = 0; hop < 20; hop++) {
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, res.url || start);
      if (next.origin !== provider.issuer) return next;
      res = await go(next.href);
      continue;
    }
    assert.equal(res.status, 200, `the provider answered ${res.status} at ${res.url}: ${res.status === 200 ? "" : await res.clone().text()}`);
    const html = await res.text();
    const action = decode(html.match(/<form[^>]*action="([^"]+)"/)[1]);
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], decode(m[2])]));
    const fields = html.includes('name="login"') ? { ...hidden, login, password: 'any' } : hidden;
    res = await go(new URL(action, provider.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
  throw new Error('the provider never sent the browser back');
}

/**
 * The whole journey: the SDK's getAuthUrl → the hosted sign-in page → the provider's button → the provider → back to
 * Latchkey's callback. Answers the callback's response and, when it signed in, the member's tokens.
 */
async function socialSignIn(login) {
  const client = createClient({ modules: { members }, auth: OAuthStrategy({ clientId: env.clientId }) });
  await client.auth.generateVisitorTokens();
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI, CALLBACK_URI);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { prompt: 'login', responseMode: 'query' });
  const go = browser();
  const page = await go(authUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  const button = html.match(/<a class="lk-button lk-secondary lk-provider" href="([^"]+)">Continue with Test Provider<\/a>/);
  assert.ok(button, 'the hosted sign-in page shows the provider');
  assert.ok(decode(button[1]).startsWith(`/sign-in/social/${providerId}?`), button[1]);
  const callback = await signInAtProvider(go, decode(button[1]), login);
  assert.equal(`${callback.origin}${callback.pathname}`, `${env.base}/sign-in/social/callback`);
  const landed = await go(callback.href);
  // Not signed in: a page (a failure), or the sign-in page again (prompt=login) where the identity waits for the member.
  if (landed.status !== 302 || landed.headers.get('location').includes('prompt=login')) {
    return { landed, go, html: landed.status === 302 ? '' : await landed.text() };
  }
  const authorized = await go(landed.headers.get('location'));
  assert.equal(authorized.status, 302, `authorize after the callback: ${authorized.status}`);
  const { code, state } = client.auth.parseFromUrl(authorized.headers.get('location'), 'query');
  client.auth.setTokens(await client.auth.getMemberTokens(code, state, oauthData));
  return { landed, client, member: (await client.members.getCurrentMember({ fieldsets: ['FULL'] })).member };
}

/** Latchkey's own endpoint for a member's identities, with the member's access token. */
async function myIdentities(client, init = {}, path = '') {
  return fetch(`${env.base}/_api/latchkey/identities/v1/my${path}`, {
    ...init,
    headers: { authorization: client.auth.getTokens().accessToken.value },
  });
}

test('a first sign-in with the provider creates the member; the second finds the same one', async () => {
  const email = uniqueEmail('social');

  const first = await socialSignIn(email);
  const second = await socialSignIn(email);

  assert.equal(first.member.loginEmail, email);
  assert.equal(first.member.contact.firstName, 'Ann');
  assert.equal(second.member._id, first.member._id);
});

test('the member sees and unlinks its identity; the next sign-in links it again by the rule, to the same member', async () => {
  const email = uniqueEmail('unlink');
  const { client, member } = await socialSignIn(email);

  const [identity] = (await (await myIdentities(client)).json()).identities;
  assert.equal(identity.providerId, providerId);
  assert.equal(identity.email, email);
  assert.equal((await myIdentities(client, { method: 'DELETE' }, `/${identity.id}`)).status, 204);
  assert.deepEqual((await (await myIdentities(client)).json()).identities, []);

  const again = await socialSignIn(email);
  assert.equal(again.member._id, member._id);
  const [relinked] = (await (await myIdentities(again.client)).json()).identities;
  assert.notEqual(relinked.id, identity.id);
});

test('an email not proven on both sides links and creates nothing: the sign-in page asks for the account, the same whether it exists', async () => {
  const email = uniqueEmail('unverified');
  const existing = uniqueEmail('unverified-existing');
  // Registered with a password and never verified: the provider's verified email must not link to it by itself.
  const squatted = uniqueEmail('squatted');
  const visitor = createClient({ auth: OAuthStrategy({ clientId: env.clientId }) });
  await visitor.auth.generateVisitorTokens();
  await visitor.auth.register({ email: existing, password: PASSWORD });
  await visitor.auth.register({ email: squatted, password: PASSWORD });

  const pages = [];
  for (const [login, address] of [[`unverified:${email}`, email], [`unverified:${existing}`, existing], [squatted, squatted]]) {
    const { landed, go } = await socialSignIn(login);
    // Back to the hosted sign-in (prompt=login), with the identity sealed in a cookie until the member signs in.
    assert.equal(landed.status, 302);
    assert.match(landed.headers.get('location'), /^\/oauth2\/authorize\?.*prompt=login/);
    assert.match(landed.headers.get('set-cookie') ?? '', /lk_link_[0-9a-f]{32}=[A-Za-z0-9_-]+;.*httponly/i);
    const page = await go(landed.headers.get('location'));
    assert.equal(page.status, 200);
    pages.push((await page.text()).replaceAll(address, 'EMAIL').replace(/value="[^"]{40,}"/g, 'value="TOKEN"').replace(/href="[^"]*"/g, 'href=""').replace(/nonce="[^"]*"/g, 'nonce=""'));
  }

  assert.match(pages[0], /To connect your Test Provider account, sign in to your account with EMAIL/);
  // Whether the email has an account, verified or not, does not show.
  assert.equal(pages[1], pages[0]);
  assert.equal(pages[2], pages[0]);
  const search = await admin(`/admin/v1/members?search=${encodeURIComponent(email)}`);
  assert.deepEqual((await search.json()).items, []);
  for (const address of [existing, squatted]) {
    const [member] = (await (await admin('/admin/v1/members?search=' + encodeURIComponent(address))).json()).items;
    assert.deepEqual((await (await admin(`/admin/v1/members/${member.id}/identities`)).json()).identities, []);
  }
});

test('a provider that is down is a page saying so, before the browser leaves Latchkey', async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${closed.address().port}`;
  await new Promise((resolve) => closed.close(resolve));
  const down = await admin('/admin/v1/identity-providers', {
    method: 'POST',
    body: JSON.stringify({ kind: 'openIdConnect', issuer, clientId: 'c', clientSecret: 's', displayName: 'Down Provider' }),
  });
  assert.equal(down.status, 201, await down.clone().text());
  const client = createClient({ modules: { members }, auth: OAuthStrategy({ clientId: env.clientId }) });
  await client.auth.generateVisitorTokens();
  const { authUrl } = await client.auth.getAuthUrl(client.auth.generateOAuthData(CALLBACK_URI, CALLBACK_URI), { prompt: 'login', responseMode: 'query' });
  const go = browser();
  const html = await (await go(authUrl)).text();
  const button = html.match(/href="([^"]+)">Continue with Down Provider<\/a>/);

  const started = await go(decode(button[1]));

  assert.equal(started.status, 502);
  assert.match(await started.text(), /did not work/);
  await admin(`/admin/v1/identity-providers/${(await down.json()).id}`, { method: 'DELETE' });
});

test("getAuthUrl with { idp: { connectionId } } goes straight to that provider and ends with the member's tokens", async () => {
  const email = uniqueEmail('idp');
  const client = createClient({ modules: { members }, auth: OAuthStrategy({ clientId: env.clientId }) });
  await client.auth.generateVisitorTokens();
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI, CALLBACK_URI);

  const { authUrl } = await client.auth.getAuthUrl(oauthData, { idp: { connectionId: providerId }, responseMode: 'query' });

  assert.equal(new URL(authUrl).pathname, `/sign-in/social/${providerId}`);
  const go = browser();
  const callback = await signInAtProvider(go, authUrl, email);
  const landed = await go(callback.href);
  assert.equal(landed.status, 302, `callback: ${landed.status}`);
  const authorized = await go(landed.headers.get('location'));
  const { code, state } = client.auth.parseFromUrl(authorized.headers.get('location'), 'query');
  client.auth.setTokens(await client.auth.getMemberTokens(code, state, oauthData));
  assert.equal((await client.members.getCurrentMember({ fieldsets: ['FULL'] })).member.loginEmail, email);
});

test("getAuthUrl with { idp: 'google' } on a site without Google is refused with a stable code", async () => {
  const client = createClient({ modules: { members }, auth: OAuthStrategy({ clientId: env.clientId }) });
  await client.auth.generateVisitorTokens();

  await assert.rejects(client.auth.getAuthUrl(client.auth.generateOAuthData(CALLBACK_URI, CALLBACK_URI), { idp: 'google' }), (error) => {
    assert.equal(error.response?.data?.details?.applicationError?.code, 'NOT_FOUND');
    return true;
  });
});
