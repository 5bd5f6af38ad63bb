// Conformance: the unmodified Wix JavaScript SDK (@wix/sdk 1.21.16, OAuthStrategy) against Latchkey.
// Run through run.sh, or:
//   WIX_TEST_BASE=http://127.0.0.1:PORT CLIENT_ID=… API_KEY=… \
//     node --import ./preload-wix-redirect.mjs --test --test-force-exit wix-sdk.test.mjs
// The preload sends https://www.wixapis.com and https://edge.wixapis.com to WIX_TEST_BASE
// (docs/wire/sdk.md#running-the-unmodified-sdk-against-latchkey).
// Every test builds its own client: createClient({ auth: OAuthStrategy({ clientId }) }).
// Note: OAuthStrategy methods that mint tokens *return* them; like an app, the tests setTokens() them, and
// loggedIn() is then the SDK's own check (refreshToken.role === 'member', set client-side).

import assert from 'node:assert/strict';
import { createClient, OAuthStrategy } from '@wix/sdk';
import { describeFrame, parentOrigin, waitForFrame } from './dom-shim.mjs';
import {
  APP_ORIGIN,
  CALLBACK_URI,
  PASSWORD,
  env,
  exchangesSince,
  jwtClaims,
  registerRaw,
  requireEnv,
  test,
  uniqueEmail,
} from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID', 'API_KEY']);

const ACCESS_TOKEN_LIFETIME = 14400; // docs/wire/oauth.md#token-endpoint

function newClient() {
  return createClient({ auth: OAuthStrategy({ clientId: env.clientId }) });
}

const now = () => Math.floor(Date.now() / 1000);

function assertMemberTokens(tokens, what) {
  assert.ok(tokens?.accessToken?.value, `${what}: no access token`);
  assert.ok(tokens?.refreshToken?.value, `${what}: no refresh token (the SDK reads refresh_token)`);
  assert.equal(tokens.refreshToken.role, 'member', `${what}: SDK did not tag the refresh token as member`);
  const lifetime = tokens.accessToken.expiresAt - now();
  assert.ok(
    lifetime > ACCESS_TOKEN_LIFETIME - 120 && lifetime <= ACCESS_TOKEN_LIFETIME + 5,
    `${what}: expires_in should be ${ACCESS_TOKEN_LIFETIME}, the SDK computed a lifetime of ${lifetime}s`,
  );
  const claims = jwtClaims(tokens.accessToken.value);
  // The claims: docs/tokens.md#the-tokens.
  assert.equal(claims.role, 'member', `${what}: access token role claim is ${claims.role}, want member`);
  return claims;
}

/** register through the SDK and return the session token. */
async function sdkRegister(client, email = uniqueEmail()) {
  const result = await client.auth.register({ email, password: PASSWORD });
  assert.equal(result.loginState, 'SUCCESS', `register ${email}: ${JSON.stringify(result)}`);
  assert.ok(result.data?.sessionToken, 'register SUCCESS without data.sessionToken');
  return { email, sessionToken: result.data.sessionToken };
}

/**
 * generateOAuthData + getAuthUrl({prompt:'none', sessionToken, responseMode:'query'}), then GET fullUrl with
 * redirect:'manual' as a server-side app would (docs/wire/overview.md#flow-b-custom-login-page step 4 alternative),
 * then getMemberTokens.
 */
async function memberTokensViaQuery(client, sessionToken) {
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI, `${APP_ORIGIN}/account`);
  const { authUrl, authorizationEndpoint } = await client.auth.getAuthUrl(oauthData, {
    prompt: 'none',
    sessionToken,
    responseMode: 'query',
  });
  assert.ok(authUrl, 'createRedirectSession returned no redirectSession.fullUrl');
  // docs/wire/sdk.md#running-the-unmodified-sdk-against-latchkey, step 4.
  assert.ok(
    authUrl.startsWith(`${env.base}/`),
    `fullUrl must be an absolute URL on the server, got ${authUrl}`,
  );
  assert.ok(authorizationEndpoint, 'createRedirectSession returned no redirectSession.urlDetails.endpoint');

  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  assert.equal(res.status, 302, `GET fullUrl should redirect to the callback, got ${res.status} ${await res.text()}`);
  assert.ok(location?.startsWith(`${CALLBACK_URI}?`), `Location should be ${CALLBACK_URI}?code=…, got ${location}`);

  const { code, state, error, errorDescription } = client.auth.parseFromUrl(location, 'query');
  assert.equal(error, undefined, `authorize answered error=${error} (${errorDescription})`);
  assert.ok(code, `no code in ${location}`);
  assert.equal(state, oauthData.state, 'state in the redirect differs from the one the SDK generated');

  const tokens = await client.auth.getMemberTokens(code, state, oauthData);
  return { tokens, code, state, oauthData, authUrl };
}

// --- visitor ---------------------------------------------------------------------------------------------

test('generateVisitorTokens: anonymous grant gives visitor tokens', async () => {
  const client = newClient();
  const tokens = await client.auth.generateVisitorTokens();
  assert.ok(tokens.accessToken.value, 'no access_token');
  assert.ok(tokens.refreshToken.value, 'no refresh_token');
  assert.equal(tokens.refreshToken.role, 'visitor');
  const lifetime = tokens.accessToken.expiresAt - now();
  assert.ok(Math.abs(lifetime - ACCESS_TOKEN_LIFETIME) <= 5, `expires_in should be 14400, SDK computed ${lifetime}`);
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), false);
  assert.equal(jwtClaims(tokens.accessToken.value).role, 'visitor');
});

test('generateVisitorTokens: an expired visitor renews with its refresh token (no new visitor)', async () => {
  const client = newClient();
  const first = await client.auth.generateVisitorTokens();
  const mark = globalThis.__conformanceFetchLog.next();
  // access token expired, refresh token kept: the SDK tries refresh_token and silently falls back to a new
  // anonymous visitor if that fails, so the wire is the only place to see a failed refresh.
  const second = await client.auth.generateVisitorTokens({
    accessToken: { value: first.accessToken.value, expiresAt: now() - 10 },
    refreshToken: first.refreshToken,
  });
  const calls = exchangesSince(mark).filter((e) => e.url.endsWith('/oauth2/token'));
  assert.equal(calls.length, 1, `expected one token request, got ${calls.length}`);
  assert.match(calls[0].requestBody, /"grantType":"refresh_token"/);
  assert.equal(calls[0].status, 200, 'the refresh_token grant failed; the SDK fell back to a new visitor');
  assert.equal(second.refreshToken.value, first.refreshToken.value, 'SDK keeps the refresh token it had');
  assert.equal(jwtClaims(second.accessToken.value).sub, jwtClaims(first.accessToken.value).sub, 'same visitor');
});

// --- register / login (direct, custom login page) -------------------------------------------------------

test('register: new email → SUCCESS with a session token (still a visitor until tokens are exchanged)', async () => {
  const client = newClient();
  const result = await client.auth.register({
    email: uniqueEmail('register'),
    password: PASSWORD,
    profile: { nickname: 'conformance' },
  });
  assert.equal(result.loginState, 'SUCCESS', JSON.stringify(result));
  assert.ok(result.data?.sessionToken, 'no data.sessionToken');
  // register() does not mint member tokens; the SDK stays on its visitor tokens.
  assert.equal(client.auth.loggedIn(), false);
});

test('login: right password → SUCCESS with a session token', async () => {
  const email = uniqueEmail('login');
  await sdkRegister(newClient(), email);
  const client = newClient();
  const result = await client.auth.login({ email, password: PASSWORD });
  assert.equal(result.loginState, 'SUCCESS', JSON.stringify(result));
  assert.ok(result.data?.sessionToken, 'no data.sessionToken');
  assert.equal(client.auth.loggedIn(), false);
});

test('login: wrong password → FAILURE, errorCode invalidPassword', async () => {
  const email = uniqueEmail('wrongpw');
  await sdkRegister(newClient(), email);
  const client = newClient();
  const result = await client.auth.login({ email, password: `${PASSWORD} but wrong` });
  assert.equal(result.loginState, 'FAILURE', JSON.stringify(result));
  assert.equal(result.errorCode, 'invalidPassword', JSON.stringify(result));
  assert.equal(client.auth.loggedIn(), false);
});

// The login order: docs/wire/state-machine.md#flows-and-states-in-latchkey.
test('login: unknown email → FAILURE, errorCode invalidPassword (same as wrong password)', async () => {
  const client = newClient();
  const result = await client.auth.login({ email: uniqueEmail('nobody'), password: PASSWORD });
  assert.equal(result.loginState, 'FAILURE', JSON.stringify(result));
  assert.equal(result.errorCode, 'invalidPassword', JSON.stringify(result));
});

test('register: an email that is already a member → FAILURE, errorCode emailAlreadyExists', async () => {
  const email = uniqueEmail('dup');
  await sdkRegister(newClient(), email);
  const client = newClient();
  const result = await client.auth.register({ email, password: PASSWORD });
  assert.equal(result.loginState, 'FAILURE', JSON.stringify(result));
  assert.equal(result.errorCode, 'emailAlreadyExists', JSON.stringify(result));
});

// --- session token → member tokens ----------------------------------------------------------------------

test('getMemberTokensForDirectLogin(sessionToken): hidden iframe + web_message → member tokens', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);

  const frame = waitForFrame();
  const direct = client.auth.getMemberTokensForDirectLogin(sessionToken);
  direct.catch(() => {}); // raced below; keep a late rejection from being unhandled
  // Fail as soon as the iframe page is known not to deliver a message, instead of the SDK's 120 s timeout.
  const tokens = await Promise.race([
    direct,
    frame.then((o) => (o.delivered ? direct : Promise.reject(new Error(`web_message page did not deliver:\n${describeFrame(o)}`)))),
  ]);
  const outcome = await frame;
  assert.equal(outcome.targetOrigin, parentOrigin, `postMessage targetOrigin should be the client's allowed origin\n${describeFrame(outcome)}`);

  assertMemberTokens(tokens, 'direct login');
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);
});

test('getAuthUrl(prompt none + sessionToken, responseMode query) → 302 with code → getMemberTokens', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);
  const { tokens } = await memberTokensViaQuery(client, sessionToken);
  assertMemberTokens(tokens, 'authorization code');
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);
});

test('getMemberTokens: an authorization code works once', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);
  const { code, state, oauthData } = await memberTokensViaQuery(client, sessionToken);
  await assert.rejects(
    client.auth.getMemberTokens(code, state, oauthData),
    /Failed to fetch tokens from OAuth API/,
    'a second exchange of the same code must be refused',
  );
});

/** getAuthUrl(query) + GET fullUrl, expecting an error redirect; returns parseFromUrl's result. */
async function authorizeExpectingError(client, sessionToken) {
  const oauthData = client.auth.generateOAuthData(CALLBACK_URI);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { prompt: 'none', sessionToken, responseMode: 'query' });
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  assert.equal(res.status, 302, `want an error redirect to ${CALLBACK_URI}, got ${res.status}`);
  assert.ok(location?.startsWith(`${CALLBACK_URI}?`), `Location should be ${CALLBACK_URI}?error=…, got ${location}`);
  const parsed = client.auth.parseFromUrl(location, 'query');
  assert.equal(parsed.code, null, `no code may be issued: ${location}`);
  assert.equal(parsed.state, oauthData.state, 'the error redirect must carry the state');
  return parsed;
}

test('a session token is single use: a second authorize with it answers an error, no code', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);
  await memberTokensViaQuery(client, sessionToken);
  const { error } = await authorizeExpectingError(client, sessionToken);
  assert.ok(error, 'parseFromUrl found no error');
});

// docs/wire/oauth.md#authorize-rules
test('getAuthUrl(prompt none) without a session → error=login_required', async () => {
  const client = newClient();
  const { error } = await authorizeExpectingError(client, undefined);
  assert.equal(error, 'login_required');
});

test('renewToken: the same member refresh token works three times (stable refresh token)', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);
  const { tokens } = await memberTokensViaQuery(client, sessionToken);
  const memberSub = assertMemberTokens(tokens, 'authorization code').sub;
  client.auth.setTokens(tokens);

  for (let i = 1; i <= 3; i++) {
    // The SDK sends the refresh token it got first, every time, and ignores any new one
    // (docs/wire/oauth.md#token-endpoint).
    const renewed = await client.auth.renewToken(tokens.refreshToken);
    assert.equal(renewed.refreshToken.value, tokens.refreshToken.value);
    const claims = assertMemberTokens(renewed, `renewToken #${i}`);
    assert.equal(claims.sub, memberSub, `renewToken #${i}: access token is for another subject`);
    client.auth.setTokens(renewed);
    assert.equal(client.auth.loggedIn(), true, `loggedIn() after renewToken #${i}`);
  }
});

// --- logout ---------------------------------------------------------------------------------------------

test('logout(originalUrl): logoutUrl on the server base, tokens cleared, logoutUrl redirects back', async () => {
  const client = newClient();
  const { sessionToken } = await sdkRegister(client);
  const { tokens } = await memberTokensViaQuery(client, sessionToken);
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);

  const { logoutUrl } = await client.auth.logout(`${APP_ORIGIN}/`);
  assert.ok(logoutUrl?.startsWith(`${env.base}/`), `logoutUrl must be on ${env.base}, got ${logoutUrl}`);
  assert.equal(client.auth.loggedIn(), false);

  const res = await fetch(logoutUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, `GET logoutUrl: want 302 to ${APP_ORIGIN}/, got ${res.status}`);
  assert.equal(res.headers.get('location'), `${APP_ORIGIN}/`);
});

test('logout(originalUrl) as a visitor: logout redirect session answers with a logoutUrl on the server base', async () => {
  const client = newClient();
  const { logoutUrl } = await client.auth.logout(`${APP_ORIGIN}/`);
  assert.ok(logoutUrl?.startsWith(`${env.base}/`), `logoutUrl must be on ${env.base}, got ${logoutUrl}`);
  assert.equal(client.auth.loggedIn(), false);
});

// --- external login (trusted server, API key) -----------------------------------------------------------

test('getMemberTokensForExternalLoginWithSession(email, apiKey): sign-on + authorized_client → member tokens', async () => {
  const client = newClient();
  const email = uniqueEmail('external-session');
  const tokens = await client.auth.getMemberTokensForExternalLoginWithSession(email, env.apiKey);
  assertMemberTokens(tokens, 'authorized_client with session_token');
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);
});

test('getMemberTokensForExternalLogin(memberId, apiKey) on a fresh client (Authorization: ",<apiKey>")', async () => {
  // As in Wix's own example: createClient + getMemberTokensForExternalLogin straight away. The client has no
  // access token yet, so the SDK sends the header as "" + "," + apiKey.
  const { memberId } = await registerRaw(uniqueEmail('external-fresh'));
  assert.ok(memberId, 'setup: register response had no identity.id');
  const client = newClient();
  const tokens = await client.auth.getMemberTokensForExternalLogin(memberId, env.apiKey);
  const claims = assertMemberTokens(tokens, 'authorized_client with offline_access');
  assert.equal(claims.sub, memberId, 'member tokens for another subject');
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);
});

test('getMemberTokensForExternalLogin(memberId, apiKey) with visitor tokens (Authorization: "<visitor>,<apiKey>")', async () => {
  const { memberId } = await registerRaw(uniqueEmail('external-visitor'));
  assert.ok(memberId, 'setup: register response had no identity.id');
  const client = newClient();
  client.auth.setTokens(await client.auth.generateVisitorTokens());
  assert.equal(client.auth.loggedIn(), false);
  const tokens = await client.auth.getMemberTokensForExternalLogin(memberId, env.apiKey);
  const claims = assertMemberTokens(tokens, 'authorized_client with offline_access');
  assert.equal(claims.sub, memberId, 'member tokens for another subject');
  client.auth.setTokens(tokens);
  assert.equal(client.auth.loggedIn(), true);
});
