// Conformance: the login intent of the unmodified Redirects module client (@wix/redirects 1.0.129) against Latchkey
// (docs/wire/redirects.md#login-intent). The hosted sign in is driven here as a browser would: a cookie jar, the
// form's hidden fields, redirects followed by hand so each hop is checked.

import assert from 'node:assert/strict';
import { ApiKeyStrategy, createClient, OAuthStrategy } from '@wix/sdk';
import { redirects } from '@wix/redirects';
import { members } from '@wix/members';
import { APP_ORIGIN, CALLBACK_URI, PASSWORD, env, registerRaw, requireEnv, test } from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID', 'API_KEY']);

const WELCOME = `${APP_ORIGIN}/welcome`;

function oauthClient() {
  return createClient({ modules: { redirects, members }, auth: OAuthStrategy({ clientId: env.clientId }) });
}

/** A browser's cookie jar and manual redirects: enough to sign in on the hosted page from Node. */
function browser() {
  const jar = new Map();
  return async function go(url, init = {}) {
    const absolute = new URL(url, env.base).href;
    const headers = { ...(init.headers ?? {}) };
    if (jar.size && absolute.startsWith(env.base)) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
}

function hiddenFields(html) {
  const decode = (s) => s.replaceAll('&amp;', '&').replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&quot;', '"');
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [decode(m[1]), decode(m[2])]));
}

/** The call fails with HTTP 400 and Latchkey's stable code (docs/wire/conventions.md#errors). */
async function refused(promise, code) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected 400 ${code}, the call succeeded`);
  const body = error.response?.data;
  assert.equal(error.status ?? error.response?.status, 400, `status: ${error.message}`);
  assert.equal(body?.code ?? body?.details?.applicationError?.data?.code, code, `code: ${JSON.stringify(body)}`);
}

test('createRedirectSession({ login }) → the hosted sign in, which returns to postFlowUrl signed in; authorize then needs no prompt', async () => {
  const { email, memberId } = await registerRaw();
  const client = oauthClient();
  await client.auth.generateVisitorTokens();

  const { redirectSession } = await client.redirects.createRedirectSession({ login: {}, callbacks: { postFlowUrl: WELCOME } });

  assert.equal(redirectSession.urlDetails.endpoint, `${env.base}/sign-in`);
  assert.equal(redirectSession.urlDetails.searchParams.clientId, env.clientId);
  const go = browser();
  const page = await go(redirectSession.fullUrl);
  assert.equal(page.status, 200);
  const form = hiddenFields(await page.text());
  const posted = await go('/oauth2/authorize/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, email, password: PASSWORD }).toString(),
  });
  assert.equal(posted.status, 302, `sign in: ${posted.status}`);
  const back = await go(posted.headers.get('location'));
  assert.equal(back.status, 302);
  assert.equal(back.headers.get('location'), `${WELCOME}?wixMemberLoggedIn=true`);

  // Back on the site: the SDK's own getAuthUrl with prompt none, answered by the browser session Latchkey now has.
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI, WELCOME);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { prompt: 'none', responseMode: 'query' });
  const authorized = await go(authUrl);
  assert.equal(authorized.status, 302);
  const { code, state } = client.auth.parseFromUrl(authorized.headers.get('location'), 'query');
  client.auth.setTokens(await client.auth.getMemberTokens(code, state, oauthData));
  assert.equal((await client.members.getCurrentMember()).member._id, memberId);
});

test('createRedirectSession({ login: {} }) with no callback, as syncToWixPages asks: a URL to the hosted sign in', async () => {
  const client = oauthClient();
  await client.auth.generateVisitorTokens();

  const { redirectSession } = await client.redirects.createRedirectSession({ login: {} });

  const url = new URL(redirectSession.fullUrl);
  assert.equal(`${url.origin}${url.pathname}`, `${env.base}/sign-in`);
  assert.equal(url.searchParams.get('postFlowUrl'), null);
  assert.equal((await fetch(redirectSession.fullUrl)).status, 200);
});

test('createRedirectSession({ login }) refusals: a postFlowUrl the client does not allow, an API key with no client', async () => {
  const client = oauthClient();
  await client.auth.generateVisitorTokens();
  await refused(client.redirects.createRedirectSession({ login: {}, callbacks: { postFlowUrl: 'https://evil.example/' } }), 'redirect_not_allowed');

  const admin = createClient({ modules: { redirects }, auth: ApiKeyStrategy({ apiKey: env.apiKey }) });
  await refused(admin.redirects.createRedirectSession({ login: {}, callbacks: { postFlowUrl: WELCOME } }), 'client_not_found');
});
