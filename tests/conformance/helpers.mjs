// Shared bits of the conformance suites: environment, unique test data, plain-fetch calls that are not the
// thing under test, and a test() wrapper that prints the HTTP exchanges of a failing test.

import { test as nodeTest } from 'node:test';
import { randomBytes } from 'node:crypto';

export const env = {
  base: process.env.WIX_TEST_BASE?.replace(/\/+$/, ''),
  clientId: process.env.CLIENT_ID,
  apiKey: process.env.API_KEY,
};

/** The origin and redirect URIs the bootstrap client allows (docs/sites.md#bootstrap). */
export const APP_ORIGIN = 'http://localhost:3000';
export const CALLBACK_URI = `${APP_ORIGIN}/callback`;

/** Meets Latchkey's default policy (8–256 chars, not a common password). */
export const PASSWORD = 'correct horse battery staple 42';

export function uniqueEmail(tag = 'member') {
  return `conf-${tag}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}@example.com`;
}

export function requireEnv(names) {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0) {
    throw new Error(
      `conformance: ${missing.join(', ')} not set. Run the suites through tests/conformance/run.sh, ` +
        'which starts a server and exports WIX_TEST_BASE, CLIENT_ID and API_KEY.',
    );
  }
  if (!globalThis.__conformanceFetchLog) {
    throw new Error('conformance: run node with --import ./preload-wix-redirect.mjs (see run.sh)');
  }
}

// --- HTTP log ---------------------------------------------------------------------------------------------

const fetchLog = () => globalThis.__conformanceFetchLog;

export function exchangesSince(mark) {
  return fetchLog().entries.filter((e) => e.seq > mark);
}

export function describeExchanges(entries) {
  if (entries.length === 0) return '  (no HTTP requests were made)';
  return entries
    .map((e) =>
      [
        `  #${e.seq} ${e.method} ${e.url}${e.target ? `  (sent to ${e.target})` : ''}`,
        e.authorization !== undefined ? `      Authorization: ${e.authorization}` : undefined,
        e.requestBody !== undefined ? `      body: ${e.requestBody}` : undefined,
        e.error
          ? `      -> network error: ${e.error}`
          : `      -> ${e.status}${e.location ? ` Location: ${e.location}` : ''} ${e.responseBody ?? ''}`,
      ]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');
}

/**
 * node:test's test(), but a failure's message ends with every HTTP exchange the test made (method, URL as the
 * client built it, where the preload sent it, Authorization shape, body, status, response body).
 */
export function test(name, options, fn) {
  if (typeof options === 'function') [fn, options] = [options, {}];
  return nodeTest(name, options, async (t) => {
    const mark = fetchLog().next();
    try {
      await fn(t);
    } catch (error) {
      // let response-body reads that are still in flight finish
      await new Promise((r) => setTimeout(r, 50));
      const http = `\n\nHTTP exchanges of this test:\n${describeExchanges(exchangesSince(mark))}`;
      if (error && typeof error === 'object') {
        try {
          error.message = `${error.message}${http}`;
        } catch {
          t.diagnostic(http);
        }
        throw error;
      }
      throw new Error(`${String(error)}${http}`);
    }
  });
}

// --- plain-fetch calls (setup, not under test) ------------------------------------------------------------

async function postJson(path, body, authorization) {
  const headers = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${env.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** POST /oauth2/token anonymous → visitor access token. */
export async function visitorAccessToken(clientId = env.clientId) {
  const r = await postJson('/oauth2/token', { clientId, grantType: 'anonymous' });
  if (r.status !== 200 || !r.json?.access_token) {
    throw new Error(`setup: anonymous token for ${clientId} failed: ${r.status} ${r.text}`);
  }
  return r.json.access_token;
}

/** Register V2 with plain fetch → { memberId, sessionToken, email }. */
export async function registerRaw(email = uniqueEmail(), password = PASSWORD, clientId = env.clientId) {
  const visitor = await visitorAccessToken(clientId);
  const r = await postJson('/_api/iam/authentication/v2/register', { loginId: { email }, password }, visitor);
  if (r.status !== 200 || r.json?.state !== 'SUCCESS' || !r.json?.sessionToken) {
    throw new Error(`setup: register ${email} failed: ${r.status} ${r.text}`);
  }
  return { email, memberId: r.json.identity?.id, sessionToken: r.json.sessionToken };
}

/**
 * Payload of a JWT access token, unverified. Latchkey's access tokens are JWTs with `sub`, `site`,
 * `client_id`, `role` (docs/tokens.md#the-tokens); Wix's SDK never reads tokens, so this checks Latchkey's own
 * promise (a member refresh token really yields *member* access tokens), not the Wix contract.
 */
export function jwtClaims(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new Error(`not a JWT: ${String(token).slice(0, 24)}…`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}
