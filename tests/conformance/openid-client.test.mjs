// Conformance: openid-client 6 (a standard OAuth 2 / OIDC relying party) against Latchkey.
//
// Needs a standard (non-Wix-SDK) client registered on the server's bootstrap site, given by:
//   OIDC_CLIENT_ID       client id (required; the client-bound tests skip when unset)
//   OIDC_REDIRECT_URI    an exact redirect URI on that client's allow-list (required with OIDC_CLIENT_ID)
//   OIDC_CLIENT_SECRET   set for a confidential client (client_secret_post); unset = public client (PKCE only)
// plus WIX_TEST_BASE and CLIENT_ID from run.sh. A member session token comes from Register V2 over plain fetch
// with a visitor token of CLIENT_ID (the Wix-SDK bootstrap client); the standard client then redeems it with
// /oauth2/authorize?prompt=none&sessionToken=… (docs/wire/oauth.md#authorize-rules). Refresh tokens of a standard
// client rotate with reuse detection (docs/tokens.md#refresh-policy-per-client).
// openid-client enforces what discovery promises: with authorization_response_iss_parameter_supported=true
// every authorization response (code or error redirect) must carry iss=<issuer> exactly, trailing slash included.

import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { env, jwtClaims, registerRaw, requireEnv, test, uniqueEmail } from './helpers.mjs';

requireEnv(['WIX_TEST_BASE', 'CLIENT_ID']);

const clientId = process.env.OIDC_CLIENT_ID;
const redirectUri = process.env.OIDC_REDIRECT_URI;
const clientSecret = process.env.OIDC_CLIENT_SECRET || undefined;

const noClient = !clientId
  ? 'OIDC_CLIENT_ID is not set: register a standard (rotating) client on the server and export OIDC_CLIENT_ID ' +
    'and OIDC_REDIRECT_URI (and OIDC_CLIENT_SECRET for a confidential client), e.g. from a CONFORMANCE_SETUP ' +
    'script in run.sh'
  : !redirectUri
    ? 'OIDC_REDIRECT_URI is not set: it must be an exact redirect URI registered for OIDC_CLIENT_ID'
    : false;
const notConfidential = noClient || (!clientSecret && 'OIDC_CLIENT_SECRET is not set: introspection needs a confidential client');

const SCOPE = 'openid offline_access';

async function discover(id = clientId) {
  return oidc.discovery(new URL(`${env.base}/`), id, clientSecret, clientSecret ? undefined : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** Authorization code + PKCE for a new member; returns { config, tokens, memberId }. */
async function codeFlow(config, extra = {}) {
  const { memberId, sessionToken } = await registerRaw(uniqueEmail('oidc'));
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'none',
    sessionToken,
    ...extra,
  });
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  assert.equal(res.status, 302, `GET ${authUrl} should redirect to ${redirectUri}, got ${res.status} ${await res.text()}`);
  assert.ok(location?.startsWith(redirectUri), `Location should start with ${redirectUri}, got ${location}`);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
  });
  return { tokens, memberId };
}

async function assertInvalidGrant(promise, message) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof oidc.ResponseBodyError, `${message}: expected an OAuth error response, got ${error}`);
    assert.equal(error.error, 'invalid_grant', `${message}: error=${error.error} (${error.error_description})`);
    return true;
  });
}

test('discovery: /.well-known/openid-configuration describes the endpoints a relying party needs', async () => {
  // Runs without OIDC_CLIENT_ID: discovery needs no client.
  const config = await discover(clientId ?? 'conformance-discovery');
  const md = config.serverMetadata();
  // Collect every gap, so one run lists all of them.
  const problems = [];
  if (md.issuer !== `${env.base}/`) problems.push(`issuer is ${md.issuer}, want ${env.base}/`);
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'revocation_endpoint', 'introspection_endpoint', 'userinfo_endpoint']) {
    if (!md[field]) problems.push(`no ${field}`);
    else if (!md[field].startsWith(`${env.base}/`)) problems.push(`${field} is not on the server: ${md[field]}`);
  }
  if (!md.response_types_supported?.includes('code')) problems.push(`response_types_supported lacks code: ${md.response_types_supported}`);
  if (!md.code_challenge_methods_supported?.includes('S256')) problems.push(`code_challenge_methods_supported lacks S256: ${md.code_challenge_methods_supported}`);
  for (const grant of ['authorization_code', 'refresh_token']) {
    if (!md.grant_types_supported?.includes(grant)) problems.push(`grant_types_supported lacks ${grant}: ${md.grant_types_supported}`);
  }
  assert.deepEqual(problems, [], `discovery metadata:\n  ${problems.join('\n  ')}`);
});

test('authorization code + PKCE (prompt=none + sessionToken) → tokens', { skip: noClient }, async () => {
  const config = await discover();
  const { tokens, memberId } = await codeFlow(config);
  assert.ok(tokens.access_token, 'no access_token');
  assert.ok(tokens.refresh_token, 'no refresh_token although offline_access was asked for');
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.expires_in > 0, `expires_in: ${tokens.expires_in}`);
  const claims = jwtClaims(tokens.access_token);
  assert.equal(claims.sub, memberId, 'access token sub is not the member');
  assert.equal(claims.client_id, clientId, 'access token client_id is not the standard client');
  if (tokens.id_token) assert.equal(tokens.claims()?.sub, memberId, 'id_token sub is not the member');
});

test('authorize with prompt=none and no session → error=login_required on the redirect URI', { skip: noClient }, async () => {
  const config = await discover();
  const state = oidc.randomState();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state,
    prompt: 'none',
  });
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  assert.equal(res.status, 302, `want a redirect with the error, got ${res.status}`);
  await assert.rejects(
    oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: 'x'.repeat(43), expectedState: state }),
    (error) => {
      assert.ok(error instanceof oidc.AuthorizationResponseError, `expected an authorization error, got ${error}`);
      assert.equal(error.error, 'login_required');
      return true;
    },
  );
});

test('authorize with a redirect URI that is not registered → no redirect', { skip: noClient }, async () => {
  const config = await discover();
  const { sessionToken } = await registerRaw(uniqueEmail('oidc-badredirect'));
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'https://evil.example/callback',
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state: oidc.randomState(),
    prompt: 'none',
    sessionToken,
  });
  const res = await fetch(authUrl, { redirect: 'manual' });
  const location = res.headers.get('location') ?? '';
  assert.ok(!location.startsWith('https://evil.example'), `redirected to an unregistered URI: ${location}`);
  assert.ok(res.status >= 400, `want an error page, got ${res.status}`);
});

test('refresh: rotation, reuse of the old refresh token fails and revokes the family', { skip: noClient }, async () => {
  const config = await discover();
  const { tokens, memberId } = await codeFlow(config);
  const rt1 = tokens.refresh_token;
  assert.ok(rt1, 'no refresh_token');

  const refreshed = await oidc.refreshTokenGrant(config, rt1);
  const rt2 = refreshed.refresh_token;
  assert.ok(rt2, 'refresh answered no new refresh_token');
  assert.notEqual(rt2, rt1, 'a standard client must get a new refresh token on each refresh');
  assert.equal(jwtClaims(refreshed.access_token).sub, memberId);

  await assertInvalidGrant(oidc.refreshTokenGrant(config, rt1), 'reusing the rotated-out refresh token');
  await assertInvalidGrant(oidc.refreshTokenGrant(config, rt2), 'the newest refresh token after a reuse (family revoked)');
});

test('revocation (RFC 7009): a revoked refresh token no longer refreshes', { skip: noClient }, async () => {
  const config = await discover();
  const { tokens } = await codeFlow(config);
  await oidc.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  await assertInvalidGrant(oidc.refreshTokenGrant(config, tokens.refresh_token), 'refresh with a revoked token');
  // Revoking again (or an unknown token) is still 200 per RFC 7009 §2.2.
  await oidc.tokenRevocation(config, tokens.refresh_token);
});

test('introspection (RFC 7662): active tokens, then inactive after revocation', { skip: notConfidential }, async () => {
  const config = await discover();
  const { tokens, memberId } = await codeFlow(config);

  const access = await oidc.tokenIntrospection(config, tokens.access_token);
  assert.equal(access.active, true, JSON.stringify(access));
  assert.equal(access.sub, memberId);
  assert.equal(access.client_id, clientId);

  const refresh = await oidc.tokenIntrospection(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assert.equal(refresh.active, true, JSON.stringify(refresh));

  await oidc.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  const revoked = await oidc.tokenIntrospection(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  assert.equal(revoked.active, false, JSON.stringify(revoked));

  const garbage = await oidc.tokenIntrospection(config, 'not-a-token');
  assert.equal(garbage.active, false, JSON.stringify(garbage));
});

test('user-info: the access token of the code flow reads the member', { skip: noClient }, async () => {
  const config = await discover();
  const { tokens, memberId } = await codeFlow(config);
  const info = await oidc.fetchUserInfo(config, tokens.access_token, memberId);
  assert.equal(info.sub, memberId);
});
